import { describe, expect, it } from 'vitest';
import { compileMapping, type MapContext } from '../../../src/mapping/compile';
import { MappingError } from '../../../src/mapping/errors';
import { type FieldMap, MAPPING_FILE, type MappingFile } from '../../../src/mapping/format';
import { createFunctionRegistry } from '../../../src/mapping/functions';

const registry = createFunctionRegistry({ shout: (input) => `${String(input)}!` });

function def(fields: FieldMap, methods: Partial<MappingFile['methods']> = {}): MappingFile {
  return MAPPING_FILE.parse({
    version: 1,
    model: 'user-directory',
    resource: 'things',
    fields,
    methods: { get: { api: 'esignature', request: { method: 'GET', path: '/things/{id}' } }, ...methods },
  });
}

function mapOne(fields: FieldMap, record: unknown, ctx: MapContext = {}) {
  return compileMapping(def(fields), registry).mapRecord(record, ctx);
}

describe('compileMapping: response fields', () => {
  it('reads dot paths with array indices in both notations', () => {
    const record = { a: { b: [{ c: 'x' }, { c: 'y' }] } };
    expect(mapOne({ id: 'a.b[1].c', other: 'a.b.0.c' }, record)).toEqual({ id: 'y', other: 'x' });
  });

  it('turns undefined, null and "" into null, and never drops a field', () => {
    expect(
      mapOne({ id: 'id', a: 'a', b: 'b', c: 'c', d: 'deep.missing.path' }, { id: '1', b: null, c: '' }),
    ).toEqual({ id: '1', a: null, b: null, c: null, d: null });
  });

  it('uses default only when the value is missing', () => {
    const fields: FieldMap = { id: 'id', n: { path: 'n', default: 0 } };
    expect(mapOne(fields, { id: '1' }).n).toBe(0);
    expect(mapOne(fields, { id: '1', n: 5 }).n).toBe(5);
  });

  it('maps enums, with the enum default for unmapped values and null without one', () => {
    const fields: FieldMap = {
      id: 'id',
      a: { path: 's', enum: { map: { X: 'x' }, default: 'other' } },
      b: { path: 's', enum: { map: { X: 'x' } } },
    };
    expect(mapOne(fields, { id: '1', s: 'X' })).toMatchObject({ a: 'x', b: 'x' });
    expect(mapOne(fields, { id: '1', s: 'Y' })).toMatchObject({ a: 'other', b: null });
    expect(mapOne(fields, { id: '1' })).toMatchObject({ a: null, b: null });
  });

  it('coerces eSignature strings with type', () => {
    const fields: FieldMap = {
      id: 'id',
      n: { path: 'n', type: 'number' },
      i: { path: 'n', type: 'integer' },
      t: { path: 't', type: 'boolean' },
      f: { path: 'f', type: 'boolean' },
      d: { path: 'd', type: 'datetime' },
      day: { path: 'd', type: 'date' },
      bad: { path: 'bad', type: 'datetime' },
    };
    expect(
      mapOne(fields, {
        id: '1',
        n: '456.7500',
        t: 'True',
        f: 'false',
        d: '2017-05-15T21:20:03.1170000',
        bad: 'soon',
      }),
    ).toEqual({
      id: '1',
      n: 456.75,
      i: 456,
      t: true,
      f: false,
      d: '2017-05-15T21:20:03.117Z',
      day: '2017-05-15',
      bad: null,
    });
  });

  it('normalises date-times with offsets to UTC', () => {
    expect(
      mapOne(
        { id: 'id', d: { path: 'd', transform: 'iso_datetime' } },
        { id: '1', d: '2024-03-01T10:00:00+02:00' },
      ).d,
    ).toBe('2024-03-01T08:00:00.000Z');
  });

  it('maps arrays of sub-objects; a single-element array stays an array; a lone object counts as one element', () => {
    const fields: FieldMap = { id: 'id', groups: { path: 'g', array: { id: 'groupId', name: 'groupName' } } };
    expect(mapOne(fields, { id: '1', g: [{ groupId: '7', groupName: 'A' }] }).groups).toEqual([
      { id: '7', name: 'A' },
    ]);
    expect(mapOne(fields, { id: '1', g: { groupId: '8' } }).groups).toEqual([{ id: '8', name: null }]);
    expect(mapOne(fields, { id: '1', g: [] }).groups).toEqual([]);
    expect(mapOne(fields, { id: '1' }).groups).toBeNull();
  });

  it('builds nested objects, lists, first_of, when and ctx values', () => {
    const fields: FieldMap = {
      id: 'id',
      owner: { object: { id: 'ownerId', kind: { const: 'user' } } },
      contacts: {
        list: [
          { when: 'mail', object: { value: 'mail' } },
          { when: 'phone', object: { value: 'phone' } },
        ],
        transform: 'compact',
      },
      label: { first_of: ['nick', 'name', { const: 'anonymous' }] },
      account: { ctx: 'accountId' },
    };
    expect(
      mapOne(fields, { id: '1', ownerId: 'o', mail: 'm@x', nick: '', name: 'N' }, { accountId: 'acc' }),
    ).toEqual({
      id: '1',
      owner: { id: 'o', kind: 'user' },
      contacts: [{ value: 'm@x' }],
      label: 'N',
      account: 'acc',
    });
    expect(mapOne(fields, { id: '2' }).label).toBe('anonymous');
  });

  it('finds an array element by value (a custom setting by name)', () => {
    const fields: FieldMap = {
      id: 'id',
      department: { path: 'customSettings', find: { where: 'name', equals: 'department', take: 'value' } },
      missing: { path: 'customSettings', find: { where: 'name', equals: 'nope', take: 'value' } },
    };
    const record = {
      id: '1',
      customSettings: [
        { name: 'a', value: '1' },
        { name: 'department', value: 'Ops' },
      ],
    };
    expect(mapOne(fields, record)).toEqual({ id: '1', department: 'Ops', missing: null });
  });

  it('applies named transforms in order', () => {
    const fields: FieldMap = {
      id: 'id',
      tags: { path: 'tags', transform: ['split_comma', 'count'] },
      first: { path: 'name', transform: 'split_name_first' },
      last: { path: 'name', transform: 'split_name_last' },
      mono: { path: 'mono', transform: 'split_name_last' },
      low: { path: 'code', transform: ['trim', 'lowercase'] },
    };
    expect(
      mapOne(fields, { id: '1', tags: 'a, b,,c', name: 'Mary  Ann Smith', mono: 'Cher', code: ' AB ' }),
    ).toEqual({
      id: '1',
      tags: 3,
      first: 'Mary Ann',
      last: 'Smith',
      mono: null,
      low: 'ab',
    });
  });

  it('calls registered functions with the value and the record', () => {
    const fields: FieldMap = {
      id: 'id',
      loud: { path: 'word', fn: 'shout' },
      seats: { fn: 'available_seats' },
    };
    expect(mapOne(fields, { id: '1', word: 'hi', seatsAllowed: '5', seatsInUse: '2' })).toEqual({
      id: '1',
      loud: 'hi!',
      seats: 3,
    });
  });

  it('rejects an unregistered function at compile time, naming the file and the field', () => {
    let error: unknown;
    try {
      compileMapping(def({ id: 'id', x: { fn: 'nope' } }), registry, 'things.yaml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MappingError);
    expect(error).toMatchObject({ file: 'things.yaml', path: 'fields.x.fn' });
    expect((error as Error).message).toMatch(/^things\.yaml: fields\.x\.fn: unknown function "nope"/);
  });

  it('reads related bodies under $related', () => {
    const fields: FieldMap = {
      id: 'id',
      price: { path: '$related.plan.billingPlan.perSeatPrice', type: 'number' },
    };
    expect(
      mapOne(fields, { id: '1' }, { related: { plan: { billingPlan: { perSeatPrice: '9.5' } } } }).price,
    ).toBe(9.5);
    expect(mapOne(fields, { id: '1' }).price).toBeNull();
  });

  it('returns fresh objects: mutating one output does not affect the next (constants are frozen)', () => {
    const m = compileMapping(def({ id: 'id', tags: { const: ['a'] } }), registry);
    const first = m.mapRecord({ id: '1' }, {});
    expect(() => (first.tags as string[]).push('b')).toThrow();
    expect(m.mapRecord({ id: '2' }, {}).tags).toEqual(['a']);
  });
});

describe('compileMapping: requests and pages', () => {
  const listDef = (paging: Record<string, unknown>) =>
    def(
      { id: 'id' },
      {
        list: MAPPING_FILE.shape.methods.parse({
          list: {
            api: 'admin',
            request: {
              method: 'GET',
              path: '/v2/organizations/{organizationId}/users',
              query: {
                account_id: { ctx: 'accountId' },
                email: { param: 'email' },
                mode: { param: 'mode', default: 'x' },
              },
            },
            paging,
          },
        }).list,
      },
    );

  it('builds Admin requests with start/take, capped at max_page_size', () => {
    const list = compileMapping(
      listDef({ style: 'admin', items: 'users', max_page_size: 250 }),
      registry,
    ).method('list');
    expect(
      list.buildRequest(
        { email: 'a@b' },
        { accountId: 'A', organizationId: 'O', page: { offset: 40, size: 500 } },
      ),
    ).toEqual({
      api: 'admin',
      method: 'GET',
      path: '/v2/organizations/O/users',
      query: { account_id: 'A', email: 'a@b', mode: 'x', start: '40', take: '250' },
    });
  });

  it('fails loudly when the runtime did not supply organizationId', () => {
    const list = compileMapping(
      listDef({ style: 'admin', items: 'users', max_page_size: 250 }),
      registry,
    ).method('list');
    expect(() => list.buildRequest({}, { accountId: 'A' })).toThrow(
      expect.objectContaining({ code: 'internal' }),
    );
  });

  it('reads Admin paging from paging{…}', () => {
    const list = compileMapping(
      listDef({ style: 'admin', items: 'users', max_page_size: 250 }),
      registry,
    ).method('list');
    const page = list.readPage(
      {
        users: [{ id: 'a' }],
        paging: { result_set_start_position: 20, total_set_size: 42, next: 'https://…?start=21' },
      },
      20,
    );
    expect(page).toEqual({ items: [{ id: 'a' }], total: 42, nextOffset: 21 });
    expect(
      list.readPage(
        { users: [{ id: 'z' }], paging: { result_set_start_position: 41, total_set_size: 42 } },
        41,
      ).nextOffset,
    ).toBeNull();
  });

  it('reads eSignature offset paging: nextUri or totalSetSize say there is more; an empty page ends it', () => {
    const list = compileMapping(
      def(
        { id: 'id' },
        {
          list: {
            api: 'esignature',
            request: { method: 'GET', path: '/u' },
            paging: { style: 'esignature_offset', items: 'users', max_page_size: 100 },
          },
        },
      ),
      registry,
    ).method('list');
    expect(
      list.readPage({ users: [{}, {}], startPosition: '4', totalSetSize: '10', nextUri: '' }, 4).nextOffset,
    ).toBe(6);
    expect(
      list.readPage({ users: [{}, {}], startPosition: '8', totalSetSize: '10', nextUri: '' }, 8).nextOffset,
    ).toBeNull();
    expect(list.readPage({ users: [{}], nextUri: '/users?start_position=1' }, 0).nextOffset).toBe(1);
    expect(list.readPage({ users: [], totalSetSize: '10', nextUri: '/more' }, 3).nextOffset).toBeNull();
    expect(list.readPage({}, 0)).toEqual({ items: [], total: null, nextOffset: null });
  });
});

describe('compileMapping: an Admin API list over a spec-shaped payload', () => {
  it('maps OrganizationUsersResponse users and reads its paging', async () => {
    const { fixture } = await import('../../helpers/docusign-fixtures');
    const m = compileMapping(
      MAPPING_FILE.parse({
        version: 1,
        model: 'user-directory',
        resource: 'users',
        fields: {
          id: 'id',
          name: 'user_name',
          email: 'email',
          status: {
            path: 'membership_status',
            enum: { map: { active: 'active', closed: 'deleted' }, default: 'inactive' },
          },
          created_at: { path: 'created_on', type: 'datetime' },
          closed_at: { path: 'closed_on', type: 'datetime' },
          is_managed_by_scim: { path: 'is_managed_by_scim', type: 'boolean' },
        },
        methods: {
          list: {
            api: 'admin',
            operation: 'OrganizationUser_OrganizationUsers_GetV2',
            request: {
              method: 'GET',
              path: '/v2/organizations/{organizationId}/users',
              query: { account_id: { ctx: 'accountId', required: true } },
            },
            paging: { style: 'admin', items: 'users', max_page_size: 250 },
          },
        },
      }),
      registry,
    );
    const list = m.method('list');
    const page = list.readPage(fixture('admin.OrganizationUser_OrganizationUsers_GetV2.200.json'), 20);
    expect(page.total).toBe(42);
    expect(page.nextOffset).toBe(21);
    expect(list.mapRecord(page.items[0], {})).toEqual({
      id: '4c2f1a9e-7b3d-4e8f-a1c2-3d4e5f6a7b8c',
      name: 'Ada Lovelace',
      email: 'ada.lovelace@example.com',
      status: 'active',
      created_at: '2023-04-12T18:22:31.867Z',
      closed_at: null,
      is_managed_by_scim: false,
    });
    expect(() => list.buildRequest({}, { organizationId: 'o' })).toThrow(
      expect.objectContaining({
        code: 'internal',
        message: 'mapping request needs accountId from the runtime',
      }),
    );
  });
});
