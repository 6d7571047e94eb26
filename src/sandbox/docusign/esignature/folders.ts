/** eSignature folders: list, items (filtered, paged), move envelopes and delete envelopes or templates. */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { deleteDraft, voidEnvelope } from '../envelope-lifecycle';
import { folderItemView, folderView } from '../esignature-views';
import { envelopeFolder, foldersOfUser, systemFolder } from '../folder-index';
import type { SimAccount, SimEnvelope, SimFolder, SimState } from '../state';
import {
  type Ctx,
  dateParam,
  EsignError,
  listParam,
  pageFields,
  readJson,
  startAndCount,
  str,
  truthy,
} from './common';

function itemsOf(state: SimState, account: SimAccount, folder: SimFolder) {
  if (folder.type === 'inbox') {
    const owner = state.users.get(folder.ownerUserId);
    const email = owner?.email.toLowerCase();
    return account.envelopes.filter(
      (e) => e.status !== 'created' && e.recipients.some((r) => r.email.toLowerCase() === email),
    );
  }
  return account.envelopes.filter(
    (e) =>
      e.ownerUserId === folder.ownerUserId && envelopeFolder(state, account, e).folderId === folder.folderId,
  );
}

/**
 * The spec's filters of `GET /folders/{folderId}`: `from_date`/`to_date` (on creation), `status` (comma list),
 * `search_text` (subject, recipients), `owner_email`, `owner_name`.
 */
function itemFilter(c: Ctx, sim: SimContext): (e: SimEnvelope) => boolean {
  const from = dateParam('from_date', c.req.query('from_date'));
  const to = dateParam('to_date', c.req.query('to_date'));
  const statuses = listParam(c.req.query('status'));
  const search = c.req.query('search_text')?.toLowerCase();
  const ownerEmail = c.req.query('owner_email')?.toLowerCase();
  const ownerName = c.req.query('owner_name')?.toLowerCase();
  return (e) => {
    if (from !== undefined && e.createdMs < from) return false;
    if (to !== undefined && e.createdMs > to) return false;
    if (statuses.size > 0 && !statuses.has(e.status)) return false;
    if (
      search &&
      !e.emailSubject.toLowerCase().includes(search) &&
      !e.recipients.some(
        (r) => r.name.toLowerCase().includes(search) || r.email.toLowerCase().includes(search),
      )
    )
      return false;
    const owner = sim.state.users.get(e.ownerUserId);
    if (ownerEmail && owner?.email.toLowerCase() !== ownerEmail) return false;
    if (ownerName && `${owner?.firstName} ${owner?.lastName}`.toLowerCase() !== ownerName) return false;
    return true;
  };
}

/** Registers `/folders` routes. */
export function registerFolderRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  app.get('/folders', (c) => {
    const account = c.get('account');
    const caller = c.get('grant').userId;
    const include = listParam(c.req.query('include'));
    const { start, count } = startAndCount(c, 1000, 1000);
    let folders: SimFolder[] = [];
    if (include.size === 0 || include.has('envelope_folders')) {
      folders = foldersOfUser(sim.state, account, caller).filter((f) => f.name !== 'Templates');
    }
    if (include.has('template_folders') || include.has('shared_template_folders')) {
      const templateFolderIds = new Set(account.templates.map((t) => t.folderId));
      folders.push(...[...account.folders.values()].filter((f) => templateFolderIds.has(f.folderId)));
    }
    const withItems = truthy(c.req.query('include_items'));
    const page = folders.slice(start, start + count).map((f) => {
      const items = itemsOf(sim.state, account, f);
      const view = folderView(sim.state, account, f, items.length);
      if (withItems) view.folderItems = items.map((e) => folderItemView(sim.state, e, f));
      return view;
    });
    return c.json({ folders: page, ...pageFields(c, sim, start, page.length, folders.length, count) });
  });

  app.get('/folders/:folderId', (c) => {
    const account = c.get('account');
    const folder = account.folders.get(c.req.param('folderId'));
    if (!folder) throw new EsignError('FOLDER_NOT_FOUND', 'The folder specified was not found.');
    const { start, count } = startAndCount(c, 1000, 100);
    const items = itemsOf(sim.state, account, folder).filter(itemFilter(c, sim));
    const page = items.slice(start, start + count).map((e) => folderItemView(sim.state, e, folder));
    const view = folderView(sim.state, account, folder, items.length);
    view.folderItems = page;
    return c.json({ folders: [view], ...pageFields(c, sim, start, page.length, items.length, count) });
  });

  app.put('/folders/:folderId', async (c) => {
    const account = c.get('account');
    const caller = c.get('grant').userId;
    const body = await readJson<{ envelopeIds?: unknown[]; fromFolderId?: unknown }>(c);
    const param = c.req.param('folderId');
    const target =
      param.toLowerCase() === 'recyclebin'
        ? systemFolder(sim.state, account, caller, 'recyclebin')
        : account.folders.get(param);
    if (!target) throw new EsignError('FOLDER_NOT_FOUND', 'The folder specified was not found.');
    if (target.ownerUserId !== caller) {
      throw new EsignError(
        'USER_LACKS_PERMISSIONS',
        'Envelopes can only be moved between folders of the calling user.',
      );
    }
    const ids = (body.envelopeIds ?? []).map((x) => str(x) ?? '');
    const fromFolderId = str(body.fromFolderId);
    // The spec: template ids in `envelopeIds` with `recyclebin` delete templates.
    const templates = ids.flatMap((id) => {
      const t = account.templatesById.get(id);
      return t && !t.deletedMs && target.type === 'recyclebin' && !account.envelopesById.has(id) ? [t] : [];
    });
    const envelopeIds = ids.filter((id) => !templates.some((t) => t.templateId === id));
    for (const t of templates) {
      if (t.ownerUserId !== caller && !c.get('membership').isAdmin)
        throw new EsignError('USER_LACKS_PERMISSIONS', 'The caller does not own this template.');
    }
    for (const id of envelopeIds) {
      const e = account.envelopesById.get(id);
      if (!e)
        throw new EsignError(
          'ENVELOPE_DOES_NOT_EXIST',
          'The envelope specified either does not exist or you have no rights to it.',
        );
      if (e.ownerUserId !== caller)
        throw new EsignError('USER_LACKS_PERMISSIONS', 'The caller does not own this envelope.');
      if (fromFolderId && envelopeFolder(sim.state, account, e).folderId !== fromFolderId) {
        throw new EsignError('INVALID_REQUEST_PARAMETER', `Envelope ${id} is not in folder ${fromFolderId}.`);
      }
    }
    for (const t of templates) {
      t.deletedMs = sim.now();
      t.lastModifiedMs = t.deletedMs;
    }
    for (const id of envelopeIds) {
      const e = account.envelopesById.get(id)!;
      if (target.type === 'recyclebin') {
        // The spec: moving an in-process envelope to the recycle bin voids it; a draft is deleted.
        if (e.status === 'sent' || e.status === 'delivered')
          voidEnvelope(sim, account, e, 'Deleted by sender');
        else if (e.status === 'created') deleteDraft(sim, e);
        e.folderType = 'recyclebin';
        e.customFolderId = undefined;
      } else if (target.type === 'normal') {
        e.customFolderId = target.folderId;
      } else {
        e.folderType = target.type;
        e.customFolderId = undefined;
      }
      e.lastModifiedMs = sim.now();
    }
    return c.json({ folders: [folderView(sim.state, account, target)] });
  });
}
