import { describe, expect, it } from 'vitest';
import { compiled } from '../../helpers/mappings';

const fields = compiled('e-signature', 'document-fields');
const ctx = { accountId: 'acc-1' };

/** A `recipients` answer with tabs of several kinds, as the spec shapes them. */
const recipients = {
  signers: [
    {
      recipientId: '1',
      tabs: {
        initialHereTabs: [
          { tabId: 'i1', documentId: '1', pageNumber: '2', xPosition: '10', yPosition: '20' },
        ],
        radioGroupTabs: [
          {
            groupName: 'Plan',
            documentId: '1',
            recipientId: '1',
            radios: [
              { pageNumber: '3', xPosition: '5', yPosition: '6', value: 'basic', selected: 'false' },
              { pageNumber: '3', xPosition: '5', yPosition: '26', value: 'pro', selected: 'true' },
            ],
          },
        ],
        listTabs: [
          {
            tabId: 'l1',
            tabLabel: 'Size',
            value: 'M',
            listItems: [
              { text: 'Small', value: 'S', selected: 'false' },
              { text: 'Medium', value: 'M', selected: 'true' },
            ],
          },
        ],
        checkboxTabs: [
          { tabId: 'c1', tabLabel: 'Agree', selected: 'true', required: 'true', locked: 'false' },
        ],
        notarizeTabs: [{ tabId: 'n1' }],
      },
    },
  ],
};

describe('mappings/docusign/e-signature/document-fields.yaml', () => {
  const list = fields.method('list');
  const mapped = list.readPage(recipients, 0).items.map((r) => list.mapRecord(r, ctx));

  it('flattens every kind array of every recipient into one typed list', () => {
    expect(mapped.map((f) => [f.id, f.type])).toEqual([
      ['i1', 'initials'],
      ['Plan', 'radio'],
      ['l1', 'list'],
      ['c1', 'checkbox'],
      ['n1', 'other'],
    ]);
    expect(mapped[0]).toMatchObject({ page_number: 2, position: { x: 10, y: 20 }, participant: { id: '1' } });
  });

  it('makes one field of a radio group: its name, the selected value, the first radio placement, the options', () => {
    expect(mapped[1]).toMatchObject({
      label: 'Plan',
      value: 'pro',
      page_number: 3,
      position: { x: 5, y: 6 },
      options: [
        { value: 'basic', is_selected: false },
        { value: 'pro', is_selected: true },
      ],
    });
  });

  it('reads list options, a checkbox state, and keeps an unknown kind as other with remote_type', () => {
    expect(mapped[2]!.options).toEqual([
      { value: 'S', label: 'Small', is_selected: false },
      { value: 'M', label: 'Medium', is_selected: true },
    ]);
    expect(mapped[3]).toMatchObject({ value: 'true', is_required: true, is_read_only: false });
    expect(mapped[4]).toMatchObject({ type: 'other', remote_type: 'notarize' });
  });

  it('puts a created field in the array of its kind', () => {
    const req = fields.method('create').buildRequest(
      {
        signing_request_id: 'env-1',
        participant_id: '2',
        type: 'initials',
        document: { id: '1' },
        position: { x: 1, y: 2 },
        is_required: false,
      },
      ctx,
    );
    expect(req.path).toBe('/v2.1/accounts/acc-1/envelopes/env-1/recipients/2/tabs');
    expect(req.body).toEqual({
      initialHereTabs: [
        { documentId: '1', pageNumber: '1', xPosition: '1', yPosition: '2', required: 'false' },
      ],
    });
  });
});
