/** eSignature templates: list, get, documents, create (deletion is `PUT /folders/recyclebin`, see folders.ts). */
import type { Hono } from 'hono';
import type { SimContext, SimEnv } from '../context';
import { templateDocumentPdf } from '../document-pdf';
import { parseDocuments, parseRecipients, requestRandom } from '../envelope-builder';
import { templateDocumentView, templateView } from '../esignature-views';
import { addTemplate, type SimAccount, type SimTemplate } from '../state';
import { dateParam, EsignError, listParam, pageFields, readJson, startAndCount, str, truthy } from './common';
import { fileResponse, pdfName } from './envelope-documents';

const ORDER_BY: Record<string, (t: SimTemplate) => number | string> = {
  name: (t) => t.name.toLowerCase(),
  modified: (t) => t.lastModifiedMs,
  used: (t) => t.lastUsedMs ?? 0,
};

/** Looks up a template of the account (deleted ones too: they sit in the recycle bin) or fails like DocuSign. */
export function findTemplate(account: SimAccount, templateId: string): SimTemplate {
  const t = account.templatesById.get(templateId);
  if (!t) throw new EsignError('TEMPLATE_ID_INVALID', 'Invalid template ID.');
  return t;
}

/** Registers `/templates` routes. */
export function registerTemplateRoutes(app: Hono<SimEnv>, sim: SimContext): void {
  app.get('/templates', (c) => {
    const account = c.get('account');
    const caller = c.get('grant').userId;
    const { start, count } = startAndCount(c, 2000, 2000);
    const search = c.req.query('search_text')?.toLowerCase();
    const folders = listParam(c.req.query('folder_ids'));
    const ids = listParam(c.req.query('template_ids'));
    const userId = c.req.query('user_id');
    const createdFrom = dateParam('created_from_date', c.req.query('created_from_date'));
    const createdTo = dateParam('created_to_date', c.req.query('created_to_date'));
    const modifiedFrom = dateParam('modified_from_date', c.req.query('modified_from_date'));
    const usedFrom = dateParam('used_from_date', c.req.query('used_from_date'));
    const sharedByMe = truthy(c.req.query('shared_by_me'));
    const deletedOnly = truthy(c.req.query('is_deleted_template_only'));
    const matches = account.templates.filter((t) => {
      if ((t.deletedMs !== undefined) !== deletedOnly) return false;
      if (!t.shared && t.ownerUserId !== caller && !c.get('membership').isAdmin) return false;
      if (search && !t.name.toLowerCase().includes(search)) return false;
      if (folders.size > 0 && !folders.has(t.folderId)) return false;
      if (ids.size > 0 && !ids.has(t.templateId)) return false;
      if (userId && t.ownerUserId !== userId) return false;
      if (sharedByMe && !(t.shared && t.ownerUserId === caller)) return false;
      if (createdFrom !== undefined && t.createdMs < createdFrom) return false;
      if (createdTo !== undefined && t.createdMs > createdTo) return false;
      if (modifiedFrom !== undefined && t.lastModifiedMs < modifiedFrom) return false;
      if (usedFrom !== undefined && (t.lastUsedMs ?? 0) < usedFrom) return false;
      return true;
    });
    const orderKey = ORDER_BY[(c.req.query('order_by') ?? 'name').toLowerCase()] ?? ORDER_BY.name!;
    const desc = c.req.query('order')?.toLowerCase() === 'desc';
    matches.sort((a, b) => {
      const ka = orderKey(a);
      const kb = orderKey(b);
      const cmp = ka < kb ? -1 : ka > kb ? 1 : a.templateId < b.templateId ? -1 : 1;
      return desc ? -cmp : cmp;
    });
    const include = listParam(c.req.query('include'));
    const page = matches.slice(start, start + count).map((t) => templateView(sim.state, account, t, include));
    return c.json({
      envelopeTemplates: page,
      ...pageFields(c, sim, start, page.length, matches.length, count),
    });
  });

  app.get('/templates/:templateId/documents', (c) => {
    const t = findTemplate(c.get('account'), c.req.param('templateId'));
    return c.json({
      templateId: t.templateId,
      templateDocuments: t.documents.map((d) => templateDocumentView(t.templateId, d)),
    });
  });

  // Documents_GetTemplateDocument: the file, as uploaded.
  app.get('/templates/:templateId/documents/:documentId', (c) => {
    const t = findTemplate(c.get('account'), c.req.param('templateId'));
    const d = t.documents.find((x) => x.documentId === c.req.param('documentId'));
    if (!d) throw new EsignError('DOCUMENT_DOES_NOT_EXIST', 'The document specified was not found.');
    return fileResponse(c, templateDocumentPdf(t, d), 'application/pdf', pdfName(d), d.documentId);
  });

  app.get('/templates/:templateId', (c) => {
    const account = c.get('account');
    const t = findTemplate(account, c.req.param('templateId'));
    const include = listParam(c.req.query('include'));
    include.add('recipients');
    include.add('documents');
    return c.json(templateView(sim.state, account, t, include));
  });

  app.post('/templates', async (c) => {
    const account = c.get('account');
    const body = await readJson<Record<string, unknown>>(c);
    const name = str(body.name)?.trim();
    if (!name) throw new EsignError('INVALID_REQUEST_BODY', 'A template name is required.');
    const now = sim.now();
    const rng = requestRandom(
      sim.state.seed,
      `template:${account.accountId}:${account.templates.length}:${now}`,
    );
    const documents = parseDocuments(rng, body.documents);
    const roles = parseRecipients(rng, body.recipients, false);
    const folderId = str(body.folderId);
    const fallbackFolder = [...account.folders.values()].find(
      (f) => f.type === 'normal' && f.name === 'Templates',
    );
    const template: SimTemplate = {
      templateId: rng.guid(),
      name,
      description: str(body.description) ?? '',
      shared: truthy(body.shared),
      ownerUserId: c.get('grant').userId,
      createdMs: now,
      lastModifiedMs: now,
      folderId: folderId && account.folders.has(folderId) ? folderId : (fallbackFolder?.folderId ?? ''),
      emailSubject: str(body.emailSubject) ?? '',
      emailBlurb: str(body.emailBlurb) ?? '',
      documents,
      roles,
    };
    addTemplate(account, template);
    return c.json({ templateId: template.templateId, name, uri: `/templates/${template.templateId}` }, 201);
  });
}
