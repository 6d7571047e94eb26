import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadDocusignPacing } from '../../src/config';

describe('loadConfig', () => {
  it('paces DocuSign at 10 requests/s, bursts of 20 and 8 in flight per account unless configured', () => {
    expect(loadConfig({}).docusignPacing).toEqual({
      refillPerSecond: 10,
      bucketCapacity: 20,
      maxConcurrent: 8,
    });
    const raised = loadConfig({
      DOCUSIGN_REQUESTS_PER_SECOND: '40',
      DOCUSIGN_BURST: '80',
      DOCUSIGN_MAX_IN_FLIGHT: '16',
    });
    expect(raised.docusignPacing).toEqual({ refillPerSecond: 40, bucketCapacity: 80, maxConcurrent: 16 });
  });

  it('names a bad pacing or branding variable', () => {
    const thrown = (() => {
      try {
        loadConfig({ DOCUSIGN_BURST: '0', APP_LOGO_URL: 'http://app.example.com/logo.png' });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(ConfigError);
    const lines = (thrown as ConfigError).lines.join('\n');
    expect(lines).toContain('Invalid DOCUSIGN_BURST');
    expect(lines).toContain('Invalid APP_LOGO_URL');
  });

  it('refuses pacing that is not a positive whole number, one line per variable with the value given', () => {
    const thrown = (() => {
      try {
        loadConfig({
          DOCUSIGN_REQUESTS_PER_SECOND: '2.5',
          DOCUSIGN_BURST: 'lots',
          DOCUSIGN_MAX_IN_FLIGHT: '-1',
        });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).lines).toEqual([
      'Invalid DOCUSIGN_REQUESTS_PER_SECOND: must be a whole number (got "2.5")',
      'Invalid DOCUSIGN_BURST: must be a number (got "lots")',
      'Invalid DOCUSIGN_MAX_IN_FLIGHT: must be positive (got "-1")',
    ]);
  });

  it('reads the pacing alone for the Workers entry, ignoring bindings that are not strings', () => {
    const hyperdrive = { connectionString: 'postgres://db.example/app' };
    expect(
      loadDocusignPacing({ HYPERDRIVE: hyperdrive, DOCUSIGN_MAX_IN_FLIGHT: '24', DOCUSIGN_BURST: '' }),
    ).toEqual({
      refillPerSecond: 10,
      bucketCapacity: 20,
      maxConcurrent: 24,
    });
    expect(() => loadDocusignPacing({ DOCUSIGN_BURST: '0' })).toThrow(
      new ConfigError(['Invalid DOCUSIGN_BURST: must be positive (got "0")']),
    );
  });

  it('names the application on the connect page from APP_NAME', () => {
    expect(loadConfig({}).application).toEqual({ name: 'An application', logoUrl: undefined });
    expect(loadConfig({ APP_NAME: 'Acme HR' }).application.name).toBe('Acme HR');
  });
});
