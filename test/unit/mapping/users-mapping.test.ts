import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/http/errors';
import { fixture } from '../../helpers/docusign-fixtures';
import { compiled } from '../../helpers/mappings';

const ACCOUNT = '8a7b5c3d-1e2f-4a6b-9c8d-7e6f5a4b3c2d';
const ctx = { accountId: ACCOUNT };
const users = compiled('user-directory', 'users');

describe('mappings/docusign/user-directory/users.yaml', () => {
  describe('list', () => {
    const body = fixture('esignature.Users_GetUsers.200.json');
    const list = users.method('list');

    it('maps a full eSignature userInformation to the unified user', () => {
      const page = list.readPage(body, 0);
      expect(list.mapRecord(page.items[0], ctx)).toEqual({
        id: '4c2f1a9e-7b3d-4e8f-a1c2-3d4e5f6a7b8c',
        first_name: 'Ada',
        last_name: 'Lovelace',
        name: 'Ada Lovelace',
        title: 'Head of Operations',
        username: 'ada.lovelace@example.com',
        emails: [{ email: 'ada.lovelace@example.com', type: 'work', is_primary: true }],
        phones: [
          { number: '+44 20 7946 0958', type: 'work' },
          { number: '+44 7700 900123', type: 'home' },
        ],
        status: 'active',
        roles: [{ id: '2301414', name: 'Account Administrator' }],
        groups: [{ id: '5501234', name: 'Everyone' }],
        is_admin: true,
        user_type: 'CompanyUser',
        last_login_at: '2024-11-02T09:15:00.123Z',
        created_at: '2023-04-12T18:22:31.867Z',
        updated_at: '2024-10-30T16:45:12.000Z',
        account_id: ACCOUNT,
      });
    });

    it('keeps every field, as null, when DocuSign leaves it out, and derives first/last name from userName', () => {
      const grace = list.mapRecord(list.readPage(body, 0).items[1], ctx);
      expect(grace).toEqual({
        id: '9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a',
        first_name: 'Grace',
        last_name: 'Hopper',
        name: 'Grace Hopper',
        title: null,
        username: 'grace.hopper@example.com',
        emails: [{ email: 'grace.hopper@example.com', type: 'work', is_primary: true }],
        phones: [],
        status: 'invited',
        roles: [{ id: '2301415', name: 'DocuSign Sender' }],
        groups: null,
        is_admin: false,
        user_type: 'CompanyUser',
        last_login_at: null,
        created_at: '2024-10-01T08:00:00.000Z',
        updated_at: null,
        account_id: ACCOUNT,
      });
    });

    it('maps Closed to deleted and an empty groupList to an empty array', () => {
      const alan = list.mapRecord(list.readPage(body, 0).items[2], ctx);
      expect(alan.status).toBe('deleted');
      expect(alan.groups).toEqual([]);
      expect(alan.last_login_at).toBe('2023-06-30T17:59:59.999Z');
    });

    it('maps every userStatus value of the spec, and an unknown one to inactive', () => {
      const status = (userStatus: string) => list.mapRecord({ userId: 'u', userStatus }, ctx).status;
      expect(status('Active')).toBe('active');
      expect(status('ActivationRequired')).toBe('invited');
      expect(status('ActivationSent')).toBe('invited');
      expect(status('Disabled')).toBe('inactive');
      expect(status('Closed')).toBe('deleted');
      expect(status('SomethingNew')).toBe('inactive');
      expect(list.mapRecord({ userId: 'u' }, ctx).status).toBeNull();
    });

    it('reads the paging position: 3 of 7 from offset 0 gives next offset 3', () => {
      const page = list.readPage(body, 0);
      expect(page.items).toHaveLength(3);
      expect(page.total).toBe(7);
      expect(page.nextOffset).toBe(3);
    });

    it('adds remote_data only when asked', () => {
      const record = list.readPage(body, 0).items[0];
      expect(list.mapRecord(record, ctx)).not.toHaveProperty('remote_data');
      expect(list.mapRecord(record, { ...ctx, includeRemoteData: true }).remote_data).toBe(record);
    });

    it('builds the request with unified filters translated to DocuSign query params', () => {
      const req = list.buildRequest(
        { status: 'invited', email_contains: 'example.com' },
        { accountId: ACCOUNT, page: { offset: 200, size: 500 } },
      );
      expect(req).toEqual({
        api: 'esignature',
        method: 'GET',
        path: `/v2.1/accounts/${ACCOUNT}/users`,
        query: {
          additional_info: 'true',
          status: 'ActivationSent',
          email_substring: 'example.com',
          start_position: '200',
          count: '100',
        },
      });
    });

    it('rejects a status filter outside the unified values', () => {
      expect(() => list.buildRequest({ status: 'Active' }, { accountId: ACCOUNT })).toThrow(ApiError);
    });
  });

  it('get: maps the single user and asks for additional_info', () => {
    const get = users.method('get');
    expect(get.buildRequest({ id: 'a/b' }, ctx)).toEqual({
      api: 'esignature',
      method: 'GET',
      path: `/v2.1/accounts/${ACCOUNT}/users/a%2Fb`,
      query: { additional_info: 'true' },
    });
    const user = get.mapRecord(get.readRecord(fixture('esignature.User_GetUser.200.json')), ctx);
    expect(user.id).toBe('4c2f1a9e-7b3d-4e8f-a1c2-3d4e5f6a7b8c');
    expect(user.groups).toEqual([{ id: '5501234', name: 'Everyone' }]);
  });

  it('create: builds newUsers[0] from unified fields and maps the created user', () => {
    const create = users.method('create');
    const req = create.buildRequest(
      {
        name: 'Katherine Johnson',
        email: 'katherine.johnson@example.com',
        first_name: 'Katherine',
        role_id: '2301415',
      },
      ctx,
    );
    expect(req.method).toBe('POST');
    expect(req.body).toEqual({
      newUsers: [
        {
          userName: 'Katherine Johnson',
          email: 'katherine.johnson@example.com',
          firstName: 'Katherine',
          permissionProfileId: '2301415',
        },
      ],
    });
    expect(() => create.buildRequest({ name: 'No Email' }, ctx)).toThrow(/email is required/);
    expect(create.buildRequest({ name: 'N', email: 'n@x', group_id: '5501234' }, ctx).body).toEqual({
      newUsers: [{ userName: 'N', email: 'n@x', groupList: [{ groupId: '5501234' }] }],
    });
    const body = fixture('esignature.Users_PostUsers.201.json');
    expect(create.readItemError(body)).toBeNull();
    const user = create.mapRecord(create.readRecord(body), ctx);
    expect(user).toMatchObject({
      id: '6f5e4d3c-2b1a-4f9e-8d7c-6b5a4f3e2d1c',
      name: 'Katherine Johnson',
      first_name: 'Katherine',
      last_name: 'Johnson',
      status: 'invited',
      roles: [{ id: '2301415', name: 'DocuSign Sender' }],
      created_at: '2024-11-05T12:00:00.000Z',
      last_login_at: null,
    });
  });

  it('update: sends only the fields given', () => {
    const req = users.method('update').buildRequest({ id: 'u1', title: 'CFO' }, ctx);
    expect(req).toMatchObject({
      method: 'PUT',
      path: `/v2.1/accounts/${ACCOUNT}/users/u1`,
      body: { jobTitle: 'CFO' },
    });
  });

  it('close and delete: one DELETE /users with the user id; delete returns only the id', () => {
    const close = users.method('close');
    const del = users.method('delete');
    const expected = {
      api: 'esignature',
      method: 'DELETE',
      path: `/v2.1/accounts/${ACCOUNT}/users`,
      query: {},
      body: { users: [{ userId: 'u1' }] },
    };
    expect(close.buildRequest({ id: 'u1' }, ctx)).toEqual(expected);
    expect(del.buildRequest({ id: 'u1' }, ctx)).toEqual(expected);
    const body = fixture('esignature.Users_DeleteUsers.200.json');
    expect(close.mapRecord(close.readRecord(body), ctx)).toMatchObject({
      id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      status: 'deleted',
    });
    expect(del.mapRecord(del.readRecord(body), ctx)).toEqual({ id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' });
  });

  it('close: surfaces the per-user errorDetails of a 200 bulk response', () => {
    const body = fixture('esignature.Users_DeleteUsers.200.item-error.json');
    expect(users.method('close').readItemError(body)).toEqual({
      errorCode: 'USER_DOES_NOT_EXIST_IN_SYSTEM',
      message: 'The user does not exist in the system.',
    });
  });

  it('has no method the file does not define', () => {
    expect(() => users.method('restore')).toThrow(
      expect.objectContaining({ code: 'not_supported', status: 501 }),
    );
  });
});
