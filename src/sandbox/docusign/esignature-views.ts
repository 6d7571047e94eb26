/** Turns simulator records into eSignature v2.1 response objects (every scalar a string, as in the spec). */
import { expiryMs } from './due-events';
import { envelopeFolder } from './folder-index';
import type {
  SimAccount,
  SimConnectConfig,
  SimContact,
  SimDocument,
  SimEnvelope,
  SimFolder,
  SimGroup,
  SimMembership,
  SimNotification,
  SimRecipient,
  SimState,
  SimTab,
  SimTemplate,
  SimTransferRule,
  SimUser,
} from './state';

export type Json = Record<string, unknown>;

/** ISO-8601 UTC timestamp with seven fractional digits, as eSignature writes them (`…T20:45:01.7300000Z`). */
export function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString().replace(/Z$/, '0000Z');
}

/** Drops undefined members so responses carry only fields that have values. */
export function compact<T extends Json>(obj: T): T {
  for (const key of Object.keys(obj)) if (obj[key] === undefined) delete obj[key];
  return obj;
}

/** DocuSign's string booleans. */
export const bool = (b: boolean): string => (b ? 'true' : 'false');

/** Groups of the account the membership belongs to, including the derived Everyone/Administrators groups. */
export function groupsOfMember(account: SimAccount, m: SimMembership): SimGroup[] {
  return account.groups.filter((g) => {
    if (g.groupType === 'everyoneGroup') return true;
    if (g.groupType === 'adminGroup') return m.isAdmin;
    return m.groupIds.includes(g.groupId);
  });
}

/** Members of a group (derived for Everyone and Administrators), excluding closed memberships. */
export function membersOfGroup(account: SimAccount, g: SimGroup): SimMembership[] {
  if (g.groupType === 'everyoneGroup') return account.members.filter((m) => m.status !== 'Closed');
  if (g.groupType === 'adminGroup') return account.members.filter((m) => m.isAdmin && m.status !== 'Closed');
  const out: SimMembership[] = [];
  for (const id of g.userIds) {
    const m = account.membersById.get(id);
    if (m && m.status !== 'Closed') out.push(m);
  }
  return out;
}

/** The `userInfo` object (slim user form). */
export function userInfoView(state: SimState, account: SimAccount, m: SimMembership): Json {
  const user = state.users.get(m.userId)!;
  return {
    userId: user.userId,
    userName: `${user.firstName} ${user.lastName}`,
    email: user.email,
    userStatus: m.status,
    userType: 'CompanyUser',
    accountId: account.accountId,
    accountName: account.accountName,
    membershipId: m.membershipId,
    uri: `/users/${user.userId}`,
  };
}

/** The slim `userInfo` form of a person outside a membership context (sender, owner). */
export function personInfoView(state: SimState, account: SimAccount, userId: string): Json {
  const m = account.membersById.get(userId);
  if (m) return userInfoView(state, account, m);
  const user = state.users.get(userId);
  return compact({
    userId,
    userName: user ? `${user.firstName} ${user.lastName}` : undefined,
    email: user?.email,
  });
}

/** The `group` object; `usersCount` costs a member scan, so it is opt-out for embedded group lists. */
export function groupView(account: SimAccount, g: SimGroup, withCount = true): Json {
  return compact({
    groupId: g.groupId,
    groupName: g.groupName,
    groupType: g.groupType,
    permissionProfileId: g.permissionProfileId,
    usersCount: withCount ? String(countMembers(account, g)) : undefined,
    dsGroupId: g.dsGroupId,
  });
}

function countMembers(account: SimAccount, g: SimGroup): number {
  if (g.groupType === 'customGroup') return membersOfGroup(account, g).length;
  let n = 0;
  for (const m of account.members)
    if (m.status !== 'Closed' && (g.groupType === 'everyoneGroup' || m.isAdmin)) n++;
  return n;
}

/** The full `userInformation` object. */
export function userInformationView(state: SimState, account: SimAccount, m: SimMembership): Json {
  const user: SimUser = state.users.get(m.userId)!;
  const profile = account.permissionProfiles.find((p) => p.permissionProfileId === m.permissionProfileId);
  return compact({
    userId: user.userId,
    userName: `${user.firstName} ${user.lastName}`,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    userStatus: m.status,
    userType: 'CompanyUser',
    isAdmin: bool(m.isAdmin),
    permissionProfileId: m.permissionProfileId,
    permissionProfileName: profile?.permissionProfileName,
    jobTitle: m.jobTitle,
    company: m.company,
    groupList: groupsOfMember(account, m).map((g) => groupView(account, g, false)),
    createdDateTime: iso(user.createdMs),
    userAddedToAccountDateTime: iso(m.addedMs),
    userProfileLastModifiedDate: iso(m.modifiedMs),
    lastLogin: iso(user.lastLoginMs),
    defaultAccountId: account.accountId,
    uri: `/users/${user.userId}`,
  });
}

const TAB_VALUE_KINDS = new Set([
  'textTabs',
  'checkboxTabs',
  'emailTabs',
  'companyTabs',
  'titleTabs',
  'dateTabs',
  'numberTabs',
  'listTabs',
  'dateSignedTabs',
  'fullNameTabs',
  'emailAddressTabs',
]);
const TAB_EDITABLE_KINDS = new Set([
  'textTabs',
  'checkboxTabs',
  'emailTabs',
  'companyTabs',
  'titleTabs',
  'dateTabs',
  'numberTabs',
  'listTabs',
]);
/** Tab arrays the simulator stores; other kinds are rejected on create. */
export const SUPPORTED_TAB_KINDS = new Set([
  ...TAB_VALUE_KINDS,
  'signHereTabs',
  'initialHereTabs',
  'radioGroupTabs',
]);

/** A `radioGroup` object: no tabId/label of its own, its buttons carry positions and selection. */
function radioGroupView(tab: SimTab, recipientId: string): Json {
  return compact({
    groupName: tab.tabLabel,
    documentId: tab.documentId,
    recipientId,
    value: tab.value ?? '',
    tabType: 'radiogroup',
    radios: (tab.radios ?? []).map((r) => ({
      tabId: r.tabId,
      value: r.value,
      selected: r.selected ?? 'false',
      pageNumber: r.pageNumber,
      xPosition: r.xPosition,
      yPosition: r.yPosition,
      required: tab.required ?? 'false',
      locked: tab.locked ?? 'false',
    })),
  });
}

/** One tab object, with only the properties its tab type defines in the spec. */
export function tabView(tab: SimTab, recipientId: string): Json {
  if (tab.kind === 'radioGroupTabs') return radioGroupView(tab, recipientId);
  const out: Json = compact({
    tabId: tab.tabId,
    tabLabel: tab.tabLabel,
    documentId: tab.documentId,
    recipientId,
    pageNumber: tab.pageNumber,
    xPosition: tab.xPosition,
    yPosition: tab.yPosition,
    anchorString: tab.anchorString,
    anchorXOffset: tab.anchorXOffset,
    anchorYOffset: tab.anchorYOffset,
    tabType: tab.kind.replace(/Tabs$/, ''),
  });
  if (TAB_VALUE_KINDS.has(tab.kind)) out.value = tab.value ?? '';
  if (TAB_EDITABLE_KINDS.has(tab.kind)) {
    out.required = tab.required ?? 'true';
    out.locked = tab.locked ?? 'false';
  }
  if (tab.kind === 'checkboxTabs') out.selected = tab.selected ?? 'false';
  if (tab.kind === 'listTabs' && tab.listItems) {
    out.listItems = tab.listItems.map((i) => ({
      text: i.text,
      value: i.value,
      selected: i.selected ?? 'false',
    }));
  }
  return out;
}

/** The `tabs` object for a list of tabs. */
export function tabsView(tabs: SimTab[], recipientId: (t: SimTab) => string): Json {
  const out: Record<string, Json[]> = {};
  for (const tab of tabs) {
    const list = out[tab.kind] ?? [];
    list.push(tabView(tab, recipientId(tab)));
    out[tab.kind] = list;
  }
  return out;
}

const RECIPIENT_ARRAYS = {
  signer: 'signers',
  carboncopy: 'carbonCopies',
  certifieddelivery: 'certifiedDeliveries',
} as const;

/** One recipient object of the type's array. */
export function recipientView(r: SimRecipient, includeTabs: boolean): Json {
  return compact({
    recipientId: r.recipientId,
    recipientIdGuid: r.recipientIdGuid,
    recipientType: r.type,
    name: r.name,
    email: r.email,
    roleName: r.roleName,
    routingOrder: String(r.routingOrder),
    clientUserId: r.clientUserId,
    userId: r.userId,
    status: r.status,
    sentDateTime: iso(r.sentMs),
    deliveredDateTime: iso(r.deliveredMs),
    signedDateTime: iso(r.signedMs),
    declinedDateTime: iso(r.declinedMs),
    declinedReason: r.declinedReason,
    deliveryMethod: 'email',
    tabs: includeTabs && r.type === 'signer' ? tabsView(r.tabs, () => r.recipientId) : undefined,
  });
}

/** The current routing order: the lowest order with a recipient still to act. */
export function currentRoutingOrder(recipients: SimRecipient[]): number {
  const pending = recipients.filter(
    (r) => r.status === 'sent' || r.status === 'delivered' || r.status === 'created',
  );
  if (pending.length === 0) return Math.max(1, ...recipients.map((r) => r.routingOrder));
  return Math.min(...pending.map((r) => r.routingOrder));
}

/** The `recipients` object. */
export function recipientsView(recipients: SimRecipient[], includeTabs: boolean): Json {
  const out: Json = { signers: [], carbonCopies: [], certifiedDeliveries: [] };
  for (const r of recipients) (out[RECIPIENT_ARRAYS[r.type]] as Json[]).push(recipientView(r, includeTabs));
  out.recipientCount = String(recipients.length);
  out.currentRoutingOrder = String(currentRoutingOrder(recipients));
  return out;
}

/** The `envelopeDocument` object. */
export function envelopeDocumentView(envelopeId: string, d: SimDocument): Json {
  return {
    documentId: d.documentId,
    documentIdGuid: d.documentIdGuid,
    name: d.name,
    type: 'content',
    uri: `/envelopes/${envelopeId}/documents/${d.documentId}`,
    order: String(d.order),
    pages: Array.from({ length: d.pages }, (_, i) => ({ pageId: String(i + 1), sequence: String(i + 1) })),
    display: 'inline',
    includeInDownload: 'true',
    signerMustAcknowledge: 'no_interaction',
    templateRequired: 'false',
    authoritativeCopy: 'false',
  };
}

/** A template's document in `templateDocumentsResult`. */
export function templateDocumentView(templateId: string, d: SimDocument): Json {
  return {
    ...envelopeDocumentView('', d),
    uri: `/templates/${templateId}/documents/${d.documentId}`,
  };
}

/** The certificate pseudo-document DocuSign lists after the content documents. */
export function certificateDocumentView(envelopeId: string): Json {
  return {
    documentId: 'certificate',
    name: 'Summary',
    type: 'summary',
    uri: `/envelopes/${envelopeId}/documents/certificate`,
    order: '999',
    display: 'inline',
    includeInDownload: 'true',
    signerMustAcknowledge: 'no_interaction',
    templateRequired: 'false',
    authoritativeCopy: 'false',
  };
}

/** The `folder` object (without items). */
export function folderView(state: SimState, account: SimAccount, f: SimFolder, itemCount?: number): Json {
  return compact({
    folderId: f.folderId,
    name: f.name,
    type: f.type,
    owner: personInfoView(state, account, f.ownerUserId),
    parentFolderId: f.parentFolderId,
    uri: `/folders/${f.folderId}`,
    itemCount: itemCount === undefined ? undefined : String(itemCount),
    subFolderCount: '0',
    hasSubFolders: 'false',
    hasAccess: 'true',
  });
}

/** The `notification` object. */
export function notificationView(n: SimNotification): Json {
  return {
    expirations: compact({
      expireEnabled: n.expireEnabled,
      expireAfter: n.expireAfter,
      expireWarn: n.expireWarn,
    }),
    reminders: compact({
      reminderEnabled: n.reminderEnabled,
      reminderDelay: n.reminderDelay,
      reminderFrequency: n.reminderFrequency,
    }),
    useAccountDefaults: 'false',
  };
}

/** When a sent envelope expires (`expireAfter` days after it was sent), if expiration is on. */
const expireDateTime = (e: SimEnvelope): string | undefined => iso(expiryMs(e));

/** The `envelope` object, with `include` parts (recipients, documents, custom_fields, folders, tabs). */
export function envelopeView(
  state: SimState,
  account: SimAccount,
  e: SimEnvelope,
  include: Set<string>,
): Json {
  const base = `/envelopes/${e.envelopeId}`;
  const out: Json = compact({
    envelopeId: e.envelopeId,
    status: e.status,
    emailSubject: e.emailSubject,
    emailBlurb: e.emailBlurb,
    createdDateTime: iso(e.createdMs),
    sentDateTime: iso(e.sentMs),
    initialSentDateTime: iso(e.sentMs),
    deliveredDateTime: iso(e.deliveredMs),
    completedDateTime: iso(e.completedMs),
    declinedDateTime: iso(e.declinedMs),
    voidedDateTime: iso(e.voidedMs),
    voidedReason: e.voidedReason,
    deletedDateTime: iso(e.deletedMs),
    lastModifiedDateTime: iso(e.lastModifiedMs),
    statusChangedDateTime: iso(e.statusChangedMs),
    statusDateTime: iso(e.statusChangedMs),
    sender: personInfoView(state, account, e.senderUserId),
    transactionId: e.transactionId,
    expireEnabled: e.notification?.expireEnabled,
    expireAfter: e.notification?.expireAfter,
    expireDateTime: expireDateTime(e),
    notification: e.notification ? notificationView(e.notification) : undefined,
    envelopeUri: base,
    documentsUri: `${base}/documents`,
    documentsCombinedUri: `${base}/documents/combined`,
    certificateUri: `${base}/documents/certificate`,
    recipientsUri: `${base}/recipients`,
    customFieldsUri: `${base}/custom_fields`,
    notificationUri: `${base}/notification`,
    templatesUri: `${base}/templates`,
    attachmentsUri: `${base}/attachments`,
    purgeState: 'unpurged',
    is21CFRPart11: 'false',
    signingLocation: 'online',
    envelopeIdStamping: 'true',
    allowMarkup: 'false',
    allowReassign: 'true',
    enableWetSign: 'true',
    hasComments: 'false',
    hasFormDataChanged: 'false',
    isSignatureProviderEnvelope: 'false',
    anySigner: undefined,
  });
  if (include.has('recipients')) out.recipients = recipientsView(e.recipients, include.has('tabs'));
  if (include.has('documents')) {
    out.envelopeDocuments = [
      ...e.documents.map((d) => envelopeDocumentView(e.envelopeId, d)),
      certificateDocumentView(e.envelopeId),
    ];
  }
  if (include.has('custom_fields'))
    out.customFields = { textCustomFields: e.textCustomFields, listCustomFields: [] };
  if (include.has('folders')) out.folders = [folderView(state, account, envelopeFolder(state, account, e))];
  return out;
}

/** The `folderItem_v2` object. */
export function folderItemView(state: SimState, e: SimEnvelope, folder: SimFolder): Json {
  const sender = state.users.get(e.senderUserId);
  const owner = state.users.get(e.ownerUserId);
  return compact({
    envelopeId: e.envelopeId,
    envelopeUri: `/envelopes/${e.envelopeId}`,
    status: e.status,
    subject: e.emailSubject,
    senderName: sender ? `${sender.firstName} ${sender.lastName}` : undefined,
    senderEmail: sender?.email,
    senderUserId: e.senderUserId,
    ownerName: owner ? `${owner.firstName} ${owner.lastName}` : undefined,
    createdDateTime: iso(e.createdMs),
    sentDateTime: iso(e.sentMs),
    completedDateTime: iso(e.completedMs),
    lastModifiedDateTime: iso(e.lastModifiedMs),
    folderId: folder.folderId,
    folderUri: `/folders/${folder.folderId}`,
    templateId: e.templateId,
    recipientsUri: `/envelopes/${e.envelopeId}/recipients`,
    is21CFRPart11: 'false',
  });
}

/** The `envelopeTemplate` object. */
export function templateView(
  state: SimState,
  account: SimAccount,
  t: SimTemplate,
  include: Set<string>,
): Json {
  const folder = account.folders.get(t.folderId);
  const out: Json = compact({
    templateId: t.templateId,
    name: t.name,
    description: t.description,
    shared: bool(t.shared),
    owner: personInfoView(state, account, t.ownerUserId),
    created: iso(t.createdMs),
    lastModified: iso(t.lastModifiedMs),
    lastUsed: iso(t.lastUsedMs),
    folderId: t.folderId,
    folderName: folder?.name,
    folderIds: [t.folderId],
    pageCount: String(t.documents.reduce((n, d) => n + d.pages, 0)),
    emailSubject: t.emailSubject,
    emailBlurb: t.emailBlurb,
    uri: `/templates/${t.templateId}`,
    passwordProtected: 'false',
    favoritedByMe: include.has('favorite_template_status') ? 'false' : undefined,
    deletedDateTime: iso(t.deletedMs),
  });
  if (include.has('recipients')) out.recipients = recipientsView(t.roles, true);
  if (include.has('documents')) {
    out.documents = t.documents.map((d) => ({
      documentId: d.documentId,
      name: d.name,
      order: String(d.order),
      pages: String(d.pages),
      uri: `/templates/${t.templateId}/documents/${d.documentId}`,
    }));
  }
  if (include.has('folders') && folder) out.folders = [folderView(state, account, folder)];
  return out;
}

/** The `contact` object. */
export function contactView(c: SimContact, viewerUserId: string): Json {
  return compact({
    contactId: c.contactId,
    name: c.name,
    emails: c.emails,
    organization: c.organization,
    contactPhoneNumbers: c.phones,
    shared: bool(c.shared),
    isOwner: c.ownerUserId === viewerUserId,
    contactUri: `/contacts/${c.contactId}`,
  });
}

/** The `connectCustomConfiguration` object. */
export function connectConfigView(c: SimConnectConfig): Json {
  return compact({ ...c, eventData: compact({ ...c.eventData }) } as Json);
}

/** The `envelopeTransferRule` object. */
export function transferRuleView(state: SimState, account: SimAccount, r: SimTransferRule): Json {
  const member = (userId: string | undefined): Json | undefined => {
    if (!userId) return undefined;
    const m = account.membersById.get(userId);
    if (!m) return { userId };
    const user = state.users.get(userId)!;
    return { userId, userName: `${user.firstName} ${user.lastName}`, email: user.email };
  };
  const group = r.fromGroupId ? account.groups.find((g) => g.groupId === r.fromGroupId) : undefined;
  const folder = r.toFolderId ? account.folders.get(r.toFolderId) : undefined;
  return compact({
    envelopeTransferRuleId: r.envelopeTransferRuleId,
    eventType: r.eventType,
    fromUser: member(r.fromUserId),
    fromGroup: group ? { groupId: group.groupId, groupName: group.groupName } : undefined,
    toUser: member(r.toUserId),
    toFolder: folder ? { folderId: folder.folderId, name: folder.name } : undefined,
    carbonCopyOriginalOwner: bool(r.carbonCopyOriginalOwner),
    enabled: bool(r.enabled),
    modifiedDate: iso(r.modifiedMs),
    modifiedUser: member(r.modifiedUserId),
  });
}
