import { describe, expect, it } from 'vitest';
import { docusignHosts, oauthAudience } from '../../../src/docusign/hosts';

describe('docusignHosts', () => {
  it('knows demo and production', () => {
    expect(docusignHosts('demo')).toEqual({
      oauthBase: 'https://account-d.docusign.com',
      adminBase: 'https://api-d.docusign.net/management',
    });
    expect(docusignHosts('production')).toEqual({
      oauthBase: 'https://account.docusign.com',
      adminBase: 'https://api.docusign.net/management',
    });
  });

  it('accepts a custom pair (the simulator) and trims trailing slashes', () => {
    expect(
      docusignHosts({ oauthBase: 'http://127.0.0.1:4010/', adminBase: 'http://127.0.0.1:4010/management/' }),
    ).toEqual({ oauthBase: 'http://127.0.0.1:4010', adminBase: 'http://127.0.0.1:4010/management' });
  });

  it('rejects a custom base that is not an http(s) URL', () => {
    expect(() => docusignHosts({ oauthBase: 'account.docusign.com', adminBase: 'https://x' })).toThrow(
      /oauthBase/,
    );
    expect(() => docusignHosts({ oauthBase: 'https://x', adminBase: 'ftp://x/management' })).toThrow(
      /adminBase/,
    );
    expect(() => docusignHosts({ oauthBase: 'https://u:p@x', adminBase: 'https://x' })).toThrow(
      /credentials/,
    );
  });
});

describe('oauthAudience', () => {
  it('is the host without scheme, with a port when there is one', () => {
    expect(oauthAudience('https://account-d.docusign.com')).toBe('account-d.docusign.com');
    expect(oauthAudience('http://127.0.0.1:4010')).toBe('127.0.0.1:4010');
  });
});
