/** The mapping engine's request arrays, computed body keys, registered-function records and conflict codes. */
import { describe, expect, it } from 'vitest';
import { compileMapping } from '../../../src/mapping/compile';
import { MappingError } from '../../../src/mapping/errors';
import { MAPPING_FILE, type MappingFile } from '../../../src/mapping/format';
import { createFunctionRegistry } from '../../../src/mapping/functions';
import { asBusinessError } from '../../../src/unified/execute';

const registry = createFunctionRegistry();

function compile(methods: Record<string, unknown>, fields: Record<string, unknown> = { id: 'tabId' }) {
  const file: MappingFile = MAPPING_FILE.parse({
    version: 1,
    model: 'e-signature',
    resource: 'things',
    fields,
    methods,
  });
  return compileMapping(file, registry);
}

const tabs = {
  signers: [
    {
      recipientId: '1',
      tabs: {
        signHereTabs: [{ tabId: 's1', documentId: '1' }],
        textTabs: [{ tabId: 't1', tabType: 'text', recipientId: '1', value: 'x' }],
      },
    },
    { recipientId: '2', tabs: { checkboxTabs: [{ tabId: 'c1', selected: 'true' }] } },
  ],
  carbonCopies: [{ recipientId: '3' }],
};

describe('request bodies', () => {
  it('maps an array param element by element, with $position', () => {
    const m = compile({
      create: {
        api: 'esignature',
        request: {
          method: 'POST',
          path: '/t',
          body: {
            'recipients.signers': {
              param: 'roles',
              array: {
                recipientId: { param: '$position', transform: 'to_string' },
                roleName: { param: 'name', required: true },
              },
            },
          },
        },
      },
    }).method('create');
    const req = m.buildRequest({ roles: [{ name: 'Buyer' }, { name: 'Seller' }] }, {});
    expect(req.body).toEqual({
      recipients: {
        signers: [
          { recipientId: '1', roleName: 'Buyer' },
          { recipientId: '2', roleName: 'Seller' },
        ],
      },
    });
    expect(() => m.buildRequest({ roles: [{}] }, {})).toThrow('name is required');
    expect(m.buildRequest({}, {}).body).toEqual({});
  });

  it('wraps the body in the array a body_key names, and reads dotted params', () => {
    const m = compile({
      create: {
        api: 'esignature',
        request: {
          method: 'POST',
          path: '/t',
          body_key: { param: 'type', required: true, enum: { map: { signature: 'signHereTabs' } } },
          body: { xPosition: { param: 'position.x', transform: 'to_string' }, tabLabel: { param: 'label' } },
        },
      },
    }).method('create');
    expect(m.buildRequest({ type: 'signature', position: { x: 10 }, label: 'Sign' }, {}).body).toEqual({
      signHereTabs: [{ xPosition: '10', tabLabel: 'Sign' }],
    });
    expect(() => m.buildRequest({ type: 'bogus' }, {})).toThrow('type must be one of: signature');
  });
});

describe('registered functions as record sources', () => {
  it('items_fn flattens every tab of every recipient, filling tabType and recipientId only when missing', () => {
    const m = compile({
      list: {
        api: 'esignature',
        request: { method: 'GET', path: '/t' },
        paging: { style: 'none', items_fn: 'flatten_tabs' },
      },
    }).method('list');
    const page = m.readPage(tabs);
    expect(page.items).toEqual([
      { tabId: 's1', documentId: '1', tabType: 'signHere', recipientId: '1' },
      { tabId: 't1', tabType: 'text', recipientId: '1', value: 'x' },
      { tabId: 'c1', selected: 'true', tabType: 'checkbox', recipientId: '2' },
    ]);
    // The DocuSign body is not changed.
    expect(tabs.signers[0]!.tabs.signHereTabs?.[0]).toEqual({ tabId: 's1', documentId: '1' });
  });

  it('record_fn picks the first tab of a tabs answer; source_fn reshapes before array', () => {
    const file = compile(
      {
        create: {
          api: 'esignature',
          request: { method: 'POST', path: '/t' },
          response: { record_fn: 'first_tab' },
        },
      },
      {
        id: 'recipientId',
        fields: { path: 'tabs', source_fn: 'flatten_tabs', array: { id: 'tabId', kind: 'tabType' } },
      },
    );
    expect(file.method('create').readRecord({ textTabs: [{ tabId: 'n1' }] })).toEqual({
      tabId: 'n1',
      tabType: 'text',
    });
    expect(file.mapRecord(tabs.signers[0], {})).toEqual({
      id: '1',
      fields: [
        { id: 's1', kind: 'signHere' },
        { id: 't1', kind: 'text' },
      ],
    });
  });

  it('refuses an unknown function at compile time', () => {
    expect(() =>
      compile({
        list: {
          api: 'esignature',
          request: { method: 'GET', path: '/t' },
          paging: { style: 'none', items_fn: 'nope' },
        },
      }),
    ).toThrow(MappingError);
  });
});

describe('conflict_codes', () => {
  it('turns a listed DocuSign code into a 409 conflict and a not-found code into a 404', () => {
    const m = compile({
      delete: {
        api: 'esignature',
        request: { method: 'DELETE', path: '/t/{id}' },
        response: { not_found_codes: ['NOPE'], conflict_codes: ['ENVELOPE_INVALID_STATUS'] },
      },
    }).method('delete');
    const input = { resource: 'things', params: { id: '7' } };
    const conflict = asBusinessError(
      { errorCode: 'ENVELOPE_INVALID_STATUS', message: 'Not a draft.' },
      m,
      input,
    );
    expect(conflict).toMatchObject({ code: 'conflict', status: 409 });
    expect(conflict?.message).toContain('Not a draft.');
    expect(asBusinessError({ errorCode: 'NOPE' }, m, input)).toMatchObject({
      code: 'not_found',
      status: 404,
    });
    expect(asBusinessError({ errorCode: 'OTHER' }, m, input)).toBeUndefined();
  });
});
