/**
 * The engine features signing requests need: body arrays split by a param (`array` + `group_by`), per-element
 * conditions (`if`, `when`), `$body`, named enums shared across files (`enums`, `enum: { use, inverse }`),
 * records served from a named enum, `flatten` + `sort_by`, and the conflict/invalid error codes.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/http/errors';
import { compileMapping } from '../../../src/mapping/compile';
import { mappingsFromObjects } from '../../../src/mapping/definitions';
import { MAPPING_FILE, type MappingFile } from '../../../src/mapping/format';
import { createFunctionRegistry } from '../../../src/mapping/functions';
import { asBusinessError } from '../../../src/unified/execute';

const registry = createFunctionRegistry();

function file(resource: string, extra: Record<string, unknown>): { file: string; data: unknown } {
  return {
    file: `docusign/e-signature/${resource}.yaml`,
    data: {
      version: 1,
      model: 'e-signature',
      resource,
      fields: { id: 'id' },
      methods: { get: { api: 'esignature', request: { method: 'GET', path: '/x/{id}' } } },
      ...extra,
    },
  };
}

function compile(def: unknown) {
  return compileMapping(MAPPING_FILE.parse(def) as MappingFile, registry);
}

const recipientsBody = {
  recipients: {
    param: 'participants',
    group_by: { param: 'role', targets: { signer: 'signers', cc: 'carbonCopies' } },
    array: {
      recipientId: { param: '$position', transform: 'to_string' },
      name: { param: 'name' },
      'tabs.textTabs': {
        param: 'fields',
        array: {
          tabLabel: { param: 'label' },
          value: { param: 'value', if: { type: ['text', 'list'] } },
          selected: { param: 'value', transform: 'to_string', if: { type: 'checkbox' } },
          xPosition: { param: 'position.x', transform: 'to_string' },
        },
      },
      clientUserId: { param: 'client_user_id' },
      embedded: { const: 'yes', when: 'client_user_id' },
    },
  },
};

function createMethod(body: Record<string, unknown>) {
  return compile({
    version: 1,
    model: 'e-signature',
    resource: 'things',
    fields: { id: 'id' },
    methods: {
      create: { api: 'esignature', request: { method: 'POST', path: '/x', body } },
    },
  }).method('create');
}

describe('body arrays', () => {
  it('builds one object per element, split into arrays by group_by, with per-element if/when and $position', () => {
    const req = createMethod(recipientsBody).buildRequest(
      {
        participants: [
          {
            role: 'signer',
            name: 'Ada',
            client_user_id: 'c1',
            fields: [
              { label: 'company', value: 'Acme', type: 'text', position: { x: 10 } },
              { label: 'terms', value: true, type: 'checkbox' },
            ],
          },
          { role: 'cc', name: 'Legal' },
          { role: 'signer', name: 'Grace' },
        ],
      },
      {},
    );
    expect(req.body).toEqual({
      recipients: {
        signers: [
          {
            recipientId: '1',
            name: 'Ada',
            clientUserId: 'c1',
            embedded: 'yes',
            tabs: {
              textTabs: [
                { tabLabel: 'company', value: 'Acme', xPosition: '10' },
                { tabLabel: 'terms', selected: 'true' },
              ],
            },
          },
          { recipientId: '3', name: 'Grace' },
        ],
        carbonCopies: [{ recipientId: '2', name: 'Legal' }],
      },
    });
  });

  it('refuses an element whose group value has no target with a 400 naming the allowed values', () => {
    const m = createMethod(recipientsBody);
    expect(() => m.buildRequest({ participants: [{ role: 'notary', name: 'N' }] }, {})).toThrowError(
      /role must be one of: signer, cc/,
    );
  });

  it('merges an object value into the top level of the body with $body', () => {
    const m = compile({
      version: 1,
      model: 'e-signature',
      resource: 'things',
      fields: { id: 'id' },
      methods: {
        add: {
          api: 'esignature',
          request: {
            method: 'POST',
            path: '/x',
            body: {
              $body: {
                param: 'people',
                group_by: { param: 'kind', targets: { a: 'signers' } },
                array: { name: { param: 'name' } },
              },
              other: { const: 'kept' },
            },
          },
        },
      },
    }).method('add');
    expect(m.buildRequest({ people: [{ kind: 'a', name: 'x' }] }, {}).body).toEqual({
      signers: [{ name: 'x' }],
      other: 'kept',
    });
  });

  it('validates group_by only together with array', () => {
    expect(() =>
      MAPPING_FILE.parse({
        version: 1,
        model: 'e-signature',
        resource: 'things',
        fields: { id: 'id' },
        methods: {
          create: {
            api: 'esignature',
            request: {
              method: 'POST',
              path: '/x',
              body: { r: { param: 'p', group_by: { param: 'role', targets: { a: 'b' } } } },
            },
          },
        },
      }),
    ).toThrowError(/group_by needs array/);
  });
});

describe('named enums', () => {
  const statuses = file('statuses', {
    enums: {
      status: {
        map: { created: 'draft', sent: 'out', delivered: 'out', completed: 'done' },
        default: 'unknown',
        values: { draft: 'a draft', out: 'out for signature', done: 'finished', unknown: 'fallback' },
      },
    },
    methods: { list: { api: 'esignature', records: { from_enum: 'status' } } },
    fields: { id: 'id', name: 'name', docusign: 'upstream_values', fallback: 'is_fallback' },
  });
  const requests = file('requests', {
    fields: { id: 'id', status: { path: 'status', enum: { use: 'statuses.status' } } },
    methods: {
      list: {
        api: 'esignature',
        request: {
          method: 'GET',
          path: '/x',
          query: { status: { param: 'status', enum: { use: 'statuses.status', inverse: true } } },
        },
      },
    },
  });

  it('are read by another file of the model through `use`, unknown values taking the default', () => {
    const set = mappingsFromObjects([statuses, requests]);
    const m = compileMapping(set.get('e-signature/requests')!.def, registry);
    expect(m.mapRecord({ id: '1', status: 'delivered' }, {}).status).toBe('out');
    expect(m.mapRecord({ id: '1', status: 'brand-new' }, {}).status).toBe('unknown');
  });

  it('turn round with inverse for request params (every upstream value of a unified one), refusing others', () => {
    const set = mappingsFromObjects([statuses, requests]);
    const list = compileMapping(set.get('e-signature/requests')!.def, registry).method('list');
    expect(list.buildRequest({ status: 'out' }, {}).query.status).toBe('sent,delivered');
    expect(() => list.buildRequest({ status: 'nope' }, {})).toThrowError(ApiError);
  });

  it('serve records from the file itself: one per unified value, with the upstream values behind it', () => {
    const set = mappingsFromObjects([statuses, requests]);
    const list = compileMapping(set.get('e-signature/statuses')!.def, registry).method('list');
    expect(list.staticRecords?.map((r) => [r.id, r.upstream_values, r.is_fallback])).toEqual([
      ['draft', ['created'], false],
      ['out', ['sent', 'delivered'], false],
      ['done', ['completed'], false],
      ['unknown', [], true],
    ]);
  });

  it('must describe every unified value they produce, and a reference must exist', () => {
    const undocumented = file('statuses', {
      enums: { status: { map: { a: 'x' }, values: {} } },
    });
    expect(() => mappingsFromObjects([undocumented])).toThrowError(/"x" is not described in values/);
    const dangling = file('requests', {
      fields: { id: 'id', s: { path: 's', enum: { use: 'nowhere.status' } } },
    });
    expect(() => mappingsFromObjects([dangling])).toThrowError(/enum "nowhere.status" does not exist/);
  });
});

describe('response shaping and business errors', () => {
  // `people`: the recipients of each listed per-type array, flattened and sorted by routing order.
  const peopleMapping = (paths: string[]) =>
    compile({
      version: 1,
      model: 'e-signature',
      resource: 'things',
      fields: {
        id: 'id',
        people: {
          list: paths.map((path) => ({
            path,
            array: { id: 'recipientId', order: { path: 'routingOrder', type: 'integer' } },
          })),
          transform: 'flatten',
          sort_by: 'order',
        },
      },
      methods: { get: { api: 'esignature', request: { method: 'GET', path: '/x/{id}' } } },
    });

  it('flattens per-type arrays and sorts them by a unified field', () => {
    const m = peopleMapping(['signers', 'copies']);
    const record = {
      id: 'e',
      signers: [
        { recipientId: '1', routingOrder: '10' },
        { recipientId: '2', routingOrder: '2' },
      ],
      copies: [{ recipientId: '3', routingOrder: '3' }],
    };
    expect(m.mapRecord(record, {}).people).toEqual([
      { id: '2', order: 2 },
      { id: '3', order: 3 },
      { id: '1', order: 10 },
    ]);
    expect(m.mapRecord({ id: 'e' }, {}).people).toEqual([]);
  });

  it('sorts stably with missing values last, and leaves a list already in order as it is', () => {
    const m = peopleMapping(['signers']);
    const ids = (orders: string[]) =>
      (
        m.mapRecord(
          {
            id: 'e',
            signers: orders.map((routingOrder, i) => ({ recipientId: String(i + 1), routingOrder })),
          },
          {},
        ).people as Array<{ id: string }>
      ).map((p) => p.id);
    expect(ids(['', '2', '1', '1', 'x'])).toEqual(['3', '4', '2', '1', '5']);
    expect(ids(['1', '1', '2', ''])).toEqual(['1', '2', '3', '4']);
    expect(ids(['2', '1'])).toEqual(['2', '1']);
  });

  it('turns listed DocuSign codes into 404, 409 and 400 with DocuSign’s error in details', () => {
    const method = {
      notFoundCodes: new Set(['GONE']),
      conflictCodes: new Set(['WRONG_STATE']),
      invalidCodes: new Set(['BAD_INPUT']),
    };
    const input = { resource: 'signing-requests', params: { id: 'e1' } };
    const upstream = (errorCode: string) =>
      new ApiError('invalid_request', 'DocuSign answered 400', { errorCode, message: 'why' });
    expect(asBusinessError(upstream('GONE'), method, input)?.status).toBe(404);
    const conflict = asBusinessError(upstream('WRONG_STATE'), method, input);
    expect([conflict?.status, conflict?.code, conflict?.details]).toEqual([
      409,
      'conflict',
      { errorCode: 'WRONG_STATE', message: 'why' },
    ]);
    expect(asBusinessError(upstream('BAD_INPUT'), method, input)?.code).toBe('invalid_request');
    expect(asBusinessError(upstream('OTHER'), method, input)).toBeUndefined();
  });

  it('reads DocuSign’s per-item SUCCESS as no error', () => {
    const m = compile({
      version: 1,
      model: 'e-signature',
      resource: 'things',
      fields: { id: 'id' },
      methods: {
        put: {
          api: 'esignature',
          request: { method: 'PUT', path: '/x' },
          response: { error_path: 'results[0].errorDetails' },
        },
      },
    }).method('put');
    expect(
      m.readItemError({ results: [{ errorDetails: { errorCode: 'SUCCESS', message: '' } }] }),
    ).toBeNull();
    expect(m.readItemError({ results: [{ errorDetails: { errorCode: 'NOPE', message: 'x' } }] })).toEqual({
      errorCode: 'NOPE',
      message: 'x',
    });
  });
});
