/**
 * Extracts the slice of DocuSign's official OpenAPI (Swagger 2.0) files that the simulator serves and the
 * gateway calls, into compact JSON committed under src/sandbox/docusign/spec/ with provenance.
 * Reads ../shared/docusign relative to the repository root (build time only; src/ and test/ never do).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = resolve(repoRoot, process.env.DOCUSIGN_SPEC_DIR ?? '../shared/docusign');
const outDir = join(repoRoot, 'src/sandbox/docusign/spec');
const REPOSITORY = 'https://github.com/docusign/OpenAPI-Specifications';

interface SourceFile {
  api: 'esignature' | 'admin';
  file: string;
  commit: string;
  sha256: string;
  operations: string[];
}

const SOURCES: SourceFile[] = [
  {
    api: 'esignature',
    file: 'esignature.rest.swagger-v2.1.json',
    commit: '67fbd7576ce62272e78c987ce0a0807d37b8cfd5',
    sha256: '2fd59540afa326d9fe95c6d397c5e9fd28cd85b27faff9fc4584d004548ce35b',
    operations: [
      'Accounts_GetAccount',
      'BillingPlan_GetBillingPlan',
      'BillingInvoices_GetBillingInvoices',
      'BillingInvoices_GetBillingInvoice',
      'Connect_GetConnectConfigs',
      'Connect_PostConnectConfiguration',
      'Connect_PutConnectConfiguration',
      'Connect_GetConnectConfig',
      'Connect_DeleteConnectConfig',
      'Contacts_PostContacts',
      'Contacts_PutContacts',
      'Contacts_DeleteContacts',
      'Contacts_GetContactById',
      'Contacts_DeleteContactWithId',
      'Envelopes_GetEnvelopes',
      'Envelopes_PostEnvelopes',
      'Envelopes_GetEnvelope',
      'Envelopes_PutEnvelope',
      'Recipients_GetRecipients',
      'Recipients_PutRecipients',
      'Recipients_PostRecipients',
      'Recipients_DeleteRecipients',
      'Recipients_DeleteRecipient',
      'Recipients_GetRecipientTabs',
      'Recipients_PostRecipientTabs',
      'Recipients_PutRecipientTabs',
      'Recipients_DeleteRecipientTabs',
      'Documents_GetDocuments',
      'Documents_PutDocuments',
      'Documents_DeleteDocuments',
      'Documents_GetDocument',
      'Documents_GetTemplateDocuments',
      'Documents_GetTemplateDocument',
      'Tabs_GetDocumentTabs',
      'Views_PostEnvelopeRecipientView',
      'Views_PostEnvelopeSenderView',
      'Views_PostEnvelopeCorrectView',
      'Views_PostEnvelopeEditView',
      'EnvelopeTransferRules_GetEnvelopeTransferRules',
      'EnvelopeTransferRules_PostEnvelopeTransferRules',
      'EnvelopeTransferRules_PutEnvelopeTransferRule',
      'EnvelopeTransferRules_DeleteEnvelopeTransferRules',
      'Templates_GetTemplates',
      'Templates_GetTemplate',
      'Templates_PostTemplates',
      'Folders_GetFolders',
      'Folders_GetFolderItems',
      'Folders_PutFolderById',
      'Groups_GetGroups',
      'Groups_PostGroups',
      'Groups_PutGroups',
      'Groups_DeleteGroups',
      'Groups_GetGroupUsers',
      'Groups_PutGroupUsers',
      'Groups_DeleteGroupUsers',
      'PermissionProfiles_GetPermissionProfiles',
      'PermissionProfiles_GetPermissionProfile',
      'Users_GetUsers',
      'Users_PostUsers',
      'Users_DeleteUsers',
      'User_GetUser',
      'User_PutUser',
    ],
  },
  {
    api: 'admin',
    file: 'admin.rest.swagger-v2.1.json',
    commit: '3c20b6c8ed00c29c87d7418b5e97d3fad184d012',
    sha256: '6621a2620276bbd2995a7084f5968a61dbc2a046fd56b1f5e19907c4862ea9db',
    operations: [
      'Organization_Organization_GetListV2',
      'OrganizationUser_OrganizationUsers_GetV2',
      'OrganizationUser_Users_AddV2',
      'OrganizationUser_OrganizationUsers_GetProfileV2',
      'OrganizationUser_OrganizationUsers_GetDSProfiles',
      'OrganizationUser_OrganizationUsers_GetDSProfileByUserId',
      'User_Users_UpdateV2',
      'User_Users_CloseMembershipsV2',
      'Account_Accounts_GetPermissionProfilesV2',
      'Account_Accounts_GetGroupsV2',
      'OrganizationProductPermissionProfile_GetProductPermissionProfiles',
      'OrganizationProductPermissionProfile_GetUserProductPermissionProfiles',
    ],
  },
];

/** Error definitions kept even when no operation declares them (the Admin spec declares only 200s). */
const ALWAYS_KEEP: Record<SourceFile['api'], string[]> = {
  esignature: ['errorDetails'],
  admin: ['ErrorDetails'],
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const DROPPED_KEYWORDS = new Set(['description', 'example', 'examples', 'summary', 'externalDocs']);

/** Strips documentation keywords from a schema, walking only schema positions (so a property named `description` survives). */
function cleanSchema(schema: Json): Json {
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYWORDS.has(key) || key.startsWith('x-')) continue;
    if (key === 'properties' && isObject(value)) {
      const props: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) props[name] = cleanSchema(sub);
      out[key] = props;
    } else if ((key === 'items' || key === 'additionalProperties') && isObject(value)) {
      out[key] = cleanSchema(value);
    } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      out[key] = value.map(cleanSchema);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function collectRefs(node: Json, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectRefs(n, into);
  } else if (isObject(node)) {
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/definitions/'))
      into.add(ref.slice('#/definitions/'.length));
    for (const v of Object.values(node)) collectRefs(v, into);
  }
}

function extract(source: SourceFile): { json: JsonObject; count: number } {
  const raw = readFileSync(join(sourceDir, source.file));
  const sha256 = createHash('sha256').update(raw).digest('hex');
  if (sha256 !== source.sha256) {
    throw new Error(`${source.file}: sha256 ${sha256} does not match SOURCE.md (${source.sha256})`);
  }
  const spec = JSON.parse(raw.toString('utf8')) as JsonObject;
  const definitions = spec.definitions as JsonObject;
  // Known defect of the 2022 eSignature file: referenced but never defined (SOURCE.md).
  if (source.api === 'esignature' && !definitions.offlineAttributes)
    definitions.offlineAttributes = { type: 'object' };

  const wanted = new Set(source.operations);
  const operations: JsonObject = {};
  const roots = new Set<string>(ALWAYS_KEEP[source.api]);
  for (const [path, item] of Object.entries(spec.paths as JsonObject)) {
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters' || !isObject(op) || typeof op.operationId !== 'string') continue;
      if (!wanted.has(op.operationId)) continue;
      const byKey = new Map<string, JsonObject>();
      for (const p of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        if (!isObject(p)) continue;
        const param: JsonObject = { name: p.name ?? '', in: p.in ?? '', required: p.required === true };
        if (p.type !== undefined) param.type = p.type;
        if (p.format !== undefined) param.format = p.format;
        if (p.enum !== undefined) param.enum = p.enum;
        if (p.schema !== undefined) param.schema = cleanSchema(p.schema);
        byKey.set(`${p.in}:${p.name}`, param);
      }
      const responses: JsonObject = {};
      for (const [status, response] of Object.entries(isObject(op.responses) ? op.responses : {})) {
        responses[status] =
          isObject(response) && response.schema !== undefined ? cleanSchema(response.schema) : {};
      }
      const entry: JsonObject = {
        method: method.toUpperCase(),
        path,
        parameters: [...byKey.values()],
        responses,
      };
      if (Array.isArray(op.consumes) && op.consumes.length > 0) entry.consumes = op.consumes;
      if (Array.isArray(op.produces) && op.produces.length > 0) entry.produces = op.produces;
      collectRefs(entry, roots);
      operations[op.operationId] = entry;
      wanted.delete(op.operationId);
    }
  }
  if (wanted.size > 0) throw new Error(`${source.file}: operations not found: ${[...wanted].join(', ')}`);

  const kept: JsonObject = {};
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (kept[name] !== undefined) continue;
    const def = definitions[name];
    if (def === undefined) throw new Error(`${source.file}: unresolved reference #/definitions/${name}`);
    kept[name] = cleanSchema(def);
    const refs = new Set<string>();
    collectRefs(kept[name], refs);
    for (const r of refs) if (kept[r] === undefined) queue.push(r);
  }
  const sortedDefs: JsonObject = {};
  for (const name of Object.keys(kept).sort()) sortedDefs[name] = kept[name]!;
  const sortedOps: JsonObject = {};
  for (const id of Object.keys(operations).sort()) sortedOps[id] = operations[id]!;

  return {
    json: {
      provenance: {
        repository: REPOSITORY,
        file: source.file,
        commit: source.commit,
        sha256,
        license: 'MIT',
      },
      basePath: spec.basePath ?? '',
      operations: sortedOps,
      definitions: sortedDefs,
    },
    count: Object.keys(sortedOps).length,
  };
}

/** Every operation of a spec as `[METHOD, path, operationId]`, so the simulator can tell an unmodelled DocuSign path from a wrong URL. */
function operationIndex(source: SourceFile): { basePath: string; operations: [string, string, string][] } {
  const spec = JSON.parse(readFileSync(join(sourceDir, source.file), 'utf8')) as JsonObject;
  const operations: [string, string, string][] = [];
  for (const [path, item] of Object.entries(spec.paths as JsonObject)) {
    if (!isObject(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters' || !isObject(op) || typeof op.operationId !== 'string') continue;
      operations.push([method.toUpperCase(), path, op.operationId]);
    }
  }
  operations.sort((a, b) => (a[1] === b[1] ? a[0].localeCompare(b[0]) : a[1].localeCompare(b[1])));
  return { basePath: String(spec.basePath ?? ''), operations };
}

mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'operations.json'),
  `${JSON.stringify(Object.fromEntries(SOURCES.map((s) => [s.api, operationIndex(s)])))}\n`,
);
const lines: string[] = [];
for (const source of SOURCES) {
  const { json, count } = extract(source);
  const target = join(outDir, `${source.api}.extract.json`);
  writeFileSync(target, `${JSON.stringify(json)}\n`);
  const defs = Object.keys(json.definitions as JsonObject).length;
  lines.push(
    `- \`${source.api}.extract.json\`: from \`${source.file}\` at commit \`${source.commit}\`,\n` +
      `  sha256 of the source file \`${source.sha256}\`; ${count} operations, ${defs} definitions.`,
  );
  console.log(`${source.api}: ${count} operations, ${defs} definitions -> ${target}`);
}
writeFileSync(join(outDir, 'LICENSE'), readFileSync(join(sourceDir, 'LICENSE')));

writeFileSync(
  join(outDir, 'PROVENANCE.md'),
  `# Provenance of the DocuSign spec extracts

Generated by \`npm run docusign:extract\` (scripts/docusign-extract.ts). Do not edit by hand.

- Source repository: ${REPOSITORY} (official DocuSign OpenAPI specifications)
- License: MIT, "Copyright (c) 2017- DocuSign, Inc."; the license text is copied next to this file as \`LICENSE\`
  (from commit \`3c20b6c8ed00c29c87d7418b5e97d3fad184d012\`).
- The source files were verified by sha256 before extraction.

## Files

${lines.join('\n')}

## What was changed

- \`operations.json\` lists every operation of both files (method, path, operationId) and nothing else: the
  simulator uses it to answer an unmodelled DocuSign path with a "not modelled" error instead of a 404.
- Only an allow-list of operations is kept (see the script), with path-level parameters merged into each
  operation, and only the definitions reachable from them (plus the API's error definition).
- Documentation keywords (\`description\`, \`summary\`, \`example\`, \`x-*\` vendor extensions) are removed from schemas.
- The eSignature file (a 2022 version, commit \`67fbd75\`) references \`#/definitions/offlineAttributes\` without
  defining it; the extract defines it as an open object \`{"type":"object"}\`.
`,
);
