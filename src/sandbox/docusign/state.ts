/** In-memory data model of the DocuSign simulator (one person can be a member of several accounts). */

export type UserStatus = 'Active' | 'ActivationSent' | 'ActivationRequired' | 'Closed' | 'Disabled';
export type EnvelopeStatus =
  | 'created'
  | 'sent'
  | 'delivered'
  | 'signed'
  | 'completed'
  | 'declined'
  | 'voided'
  | 'deleted';
export type RecipientStatus =
  | 'created'
  | 'sent'
  | 'delivered'
  | 'signed'
  | 'completed'
  | 'declined'
  | 'autoresponded';
export type SystemFolderType = 'draft' | 'inbox' | 'sentitems' | 'recyclebin';

/** A DocuSign identity (userId is shared by all its account memberships). */
export interface SimUser {
  userId: string;
  firstName: string;
  lastName: string;
  email: string;
  createdMs: number;
  lastLoginMs?: number;
}

/** A user's membership of one account. */
export interface SimMembership {
  userId: string;
  membershipId: string;
  status: UserStatus;
  permissionProfileId: string;
  isAdmin: boolean;
  addedMs: number;
  modifiedMs: number;
  closedMs?: number;
  jobTitle?: string;
  company?: string;
  /** Custom groups only (Everyone/Administrators are derived). Replace the array, never mutate it: seeded memberships share one. */
  groupIds: string[];
}

/** A permission profile; `settings` holds the spec's `accountRoleSettings` the simulator models (strings, as DocuSign sends them). */
export interface SimPermissionProfile {
  permissionProfileId: string;
  permissionProfileName: string;
  modifiedMs: number;
  settings: SimRoleSettings;
}

/** The modelled subset of the spec's `accountRoleSettings`. */
export interface SimRoleSettings {
  allowAccountManagement: 'true' | 'false';
  allowEnvelopeSending: 'true' | 'false';
  allowBulkSending: 'true' | 'false';
  allowApiAccess: 'true' | 'false';
  allowedTemplateAccess: 'none' | 'use' | 'share';
  allowedAddressBookAccess: 'personal' | 'shared';
}

/** The settings of DocuSign's three built-in profiles, by name (an unknown name gets the sender's). */
export function defaultRoleSettings(profileName: string): SimRoleSettings {
  if (profileName === 'Account Administrator') {
    return {
      allowAccountManagement: 'true',
      allowEnvelopeSending: 'true',
      allowBulkSending: 'true',
      allowApiAccess: 'true',
      allowedTemplateAccess: 'share',
      allowedAddressBookAccess: 'shared',
    };
  }
  const sender = profileName !== 'DocuSign Viewer';
  return {
    allowAccountManagement: 'false',
    allowEnvelopeSending: sender ? 'true' : 'false',
    allowBulkSending: 'false',
    allowApiAccess: sender ? 'true' : 'false',
    allowedTemplateAccess: sender ? 'use' : 'none',
    allowedAddressBookAccess: 'personal',
  };
}

export type GroupType = 'adminGroup' | 'everyoneGroup' | 'customGroup';

export interface SimGroup {
  groupId: string;
  groupName: string;
  groupType: GroupType;
  permissionProfileId?: string;
  dsGroupId: string;
  /** Explicit members of a custom group (derived for everyone/admin groups). */
  userIds: Set<string>;
}

/** One tab; `kind` is the `tabs` array it lives in (e.g. `signHereTabs`). */
export interface SimTab {
  kind: string;
  tabId: string;
  tabLabel: string;
  documentId: string;
  pageNumber: string;
  xPosition: string;
  yPosition: string;
  anchorString?: string;
  anchorXOffset?: string;
  anchorYOffset?: string;
  value?: string;
  required?: string;
  locked?: string;
  selected?: string;
  /** `listTabs` options. */
  listItems?: { text: string; value: string; selected?: string }[];
  /** `radioGroupTabs` buttons (the group's `tabLabel` is its `groupName`). */
  radios?: {
    tabId: string;
    value: string;
    selected?: string;
    pageNumber: string;
    xPosition: string;
    yPosition: string;
  }[];
}

export type RecipientType = 'signer' | 'carboncopy' | 'certifieddelivery';

export interface SimRecipient {
  recipientId: string;
  recipientIdGuid: string;
  type: RecipientType;
  name: string;
  email: string;
  roleName?: string;
  routingOrder: number;
  clientUserId?: string;
  userId?: string;
  status: RecipientStatus;
  sentMs?: number;
  deliveredMs?: number;
  signedMs?: number;
  declinedMs?: number;
  declinedReason?: string;
  tabs: SimTab[];
}

export interface SimDocument {
  documentId: string;
  documentIdGuid: string;
  name: string;
  fileExtension: string;
  order: number;
  pages: number;
  /** Raw bytes when a client uploaded a PDF; otherwise a PDF is rendered on demand. */
  bytes?: Uint8Array;
  /** A large PDF of this many bytes, generated while it is streamed (see `actions.attachLargeDocument`). */
  streamedSizeBytes?: number;
}

/** An envelope's `notification` settings (DocuSign keeps them as strings). */
export interface SimNotification {
  expireEnabled?: string;
  expireAfter?: string;
  expireWarn?: string;
  reminderEnabled?: string;
  reminderDelay?: string;
  reminderFrequency?: string;
}

export interface SimEnvelope {
  envelopeId: string;
  status: EnvelopeStatus;
  emailSubject: string;
  emailBlurb: string;
  senderUserId: string;
  /** Change it with `setEnvelopeOwner` (envelope-owner-index.ts), which keeps the per-owner index true. */
  ownerUserId: string;
  folderType: SystemFolderType;
  customFolderId?: string;
  createdMs: number;
  sentMs?: number;
  deliveredMs?: number;
  completedMs?: number;
  declinedMs?: number;
  voidedMs?: number;
  voidedReason?: string;
  deletedMs?: number;
  lastModifiedMs: number;
  statusChangedMs: number;
  templateId?: string;
  transactionId?: string;
  notification?: SimNotification;
  recipients: SimRecipient[];
  documents: SimDocument[];
  textCustomFields: { fieldId: string; name: string; value: string; show: string; required: string }[];
}

export interface SimTemplate {
  templateId: string;
  name: string;
  description: string;
  shared: boolean;
  ownerUserId: string;
  createdMs: number;
  lastModifiedMs: number;
  lastUsedMs?: number;
  /** Set when the template was moved to the recycle bin (`PUT /folders/recyclebin`). */
  deletedMs?: number;
  folderId: string;
  emailSubject: string;
  emailBlurb: string;
  documents: SimDocument[];
  roles: SimRecipient[];
}

export interface SimFolder {
  folderId: string;
  name: string;
  type: SystemFolderType | 'normal';
  ownerUserId: string;
  parentFolderId?: string;
}

export interface SimContact {
  contactId: string;
  name: string;
  emails: string[];
  organization?: string;
  phones: { phoneNumber: string; phoneType: string }[];
  shared: boolean;
  ownerUserId: string;
}

/** A Connect configuration as stored (booleans are kept as DocuSign's "true"/"false" strings). */
export interface SimConnectConfig {
  connectId: string;
  name: string;
  urlToPublishTo: string;
  configurationType: string;
  allUsers: string;
  userIds: string[];
  envelopeEvents: string[];
  recipientEvents: string[];
  events: string[];
  eventData: { version?: string; format?: string; includeData?: string[] };
  includeHMAC: string;
  includeDocuments: string;
  requiresAcknowledgement: string;
  enableLog: string;
  deliveryMode: string;
  allowEnvelopePublish: string;
}

export interface SimTransferRule {
  envelopeTransferRuleId: string;
  eventType: string;
  fromUserId?: string;
  fromGroupId?: string;
  toUserId: string;
  toFolderId?: string;
  carbonCopyOriginalOwner: boolean;
  enabled: boolean;
  modifiedMs: number;
  modifiedUserId: string;
}

export interface SimInvoice {
  invoiceId: string;
  invoiceNumber: string;
  amount: number;
  balance: number;
  dueMs: number;
  items: { invoiceItemId: string; chargeName: string; quantity: number; unitPrice: number }[];
}

export interface SimBillingPlan {
  planId: string;
  planName: string;
  paymentCycle: string;
  paymentMethod: string;
  perSeatPrice: number;
  includedSeats: number;
  currencyCode: string;
  planStartMs: number;
  renewalMs: number;
  /** False: DocuSign Connect is not on the plan (`/connect` refuses, `connectPermission` is `none`); default on. */
  connectIncluded?: boolean;
}

export interface SimAccount {
  accountId: string;
  externalAccountId: number;
  siteId: number;
  accountName: string;
  createdMs: number;
  plan: SimBillingPlan;
  members: SimMembership[];
  membersById: Map<string, SimMembership>;
  permissionProfiles: SimPermissionProfile[];
  groups: SimGroup[];
  envelopes: SimEnvelope[];
  envelopesById: Map<string, SimEnvelope>;
  templates: SimTemplate[];
  templatesById: Map<string, SimTemplate>;
  folders: Map<string, SimFolder>;
  /** userId -> folder type -> folderId (system folders are created lazily, with stable ids). */
  systemFolders: Map<string, Map<SystemFolderType, string>>;
  contacts: Map<string, SimContact>;
  connectConfigs: SimConnectConfig[];
  transferRules: SimTransferRule[];
  invoices: SimInvoice[];
  /** HMAC keys used to sign Connect messages of this account. */
  hmacKeys: string[];
}

export interface SimOrganization {
  organizationId: string;
  name: string;
  createdMs: number;
  createdBy: string;
  accountIds: string[];
  adminUserIds: Set<string>;
  defaultAccountId: string;
  /** The organization's reserved (verified) email domain. */
  reservedDomain: { id: string; hostName: string };
  /** Product id of eSignature in the Admin API's product permission profiles. */
  esignProductId: string;
}

/** All simulator data. */
export interface SimState {
  seed: number;
  users: Map<string, SimUser>;
  /** lower-cased email -> userId, or userIds when several people share an address (use `userIdsByEmail`). */
  usersByEmail: Map<string, string | string[]>;
  accounts: Map<string, SimAccount>;
  organization: SimOrganization;
  /** Counter for ids that DocuSign hands out as numbers (groups, profiles, rules). */
  nextNumericId: number;
}

/** Finds an account by GUID or external account number, as DocuSign accepts both in `{accountId}`. */
export function findAccount(state: SimState, idOrNumber: string): SimAccount | undefined {
  const direct = state.accounts.get(idOrNumber.toLowerCase());
  if (direct) return direct;
  for (const account of state.accounts.values()) {
    if (String(account.externalAccountId) === idOrNumber) return account;
  }
  return undefined;
}

/** The userIds registered under an email address (case-insensitive). */
export function userIdsByEmail(state: SimState, email: string): string[] {
  const entry = state.usersByEmail.get(email.toLowerCase());
  if (entry === undefined) return [];
  return typeof entry === 'string' ? [entry] : entry;
}

function addEmail(state: SimState, email: string, userId: string): void {
  // A single id is stored as a plain string: seeding 100k users should not allocate 100k arrays.
  const key = email.toLowerCase();
  const entry = state.usersByEmail.get(key);
  if (entry === undefined) state.usersByEmail.set(key, userId);
  else state.usersByEmail.set(key, [...(typeof entry === 'string' ? [entry] : entry), userId]);
}

/** Adds a person to the global indexes. */
export function indexUser(state: SimState, user: SimUser): void {
  state.users.set(user.userId, user);
  addEmail(state, user.email, user.userId);
}

/** Moves a person to a new email address in the index. */
export function reindexEmail(state: SimState, user: SimUser, newEmail: string): void {
  const key = user.email.toLowerCase();
  const rest = userIdsByEmail(state, key).filter((id) => id !== user.userId);
  if (rest.length === 0) state.usersByEmail.delete(key);
  else state.usersByEmail.set(key, rest.length === 1 ? rest[0]! : rest);
  user.email = newEmail;
  addEmail(state, newEmail, user.userId);
}

/** Accounts a person belongs to (any membership status). */
export function accountsOfUser(state: SimState, userId: string): SimAccount[] {
  return [...state.accounts.values()].filter((a) => a.membersById.has(userId));
}

/** Adds a membership to an account's indexes. */
export function addMembership(account: SimAccount, membership: SimMembership): void {
  account.members.push(membership);
  account.membersById.set(membership.userId, membership);
}

/** Adds an envelope to an account's indexes. */
export function addEnvelope(account: SimAccount, envelope: SimEnvelope): void {
  account.envelopes.push(envelope);
  account.envelopesById.set(envelope.envelopeId, envelope);
}

/** Adds a template to an account's indexes. */
export function addTemplate(account: SimAccount, template: SimTemplate): void {
  account.templates.push(template);
  account.templatesById.set(template.templateId, template);
}

/** Stable 32-bit FNV-1a hash, used to derive ids that are created lazily but must not depend on call order. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Finds an envelope in any account. */
export function locateEnvelope(
  state: SimState,
  envelopeId: string,
): { account: SimAccount; envelope: SimEnvelope } | undefined {
  for (const account of state.accounts.values()) {
    const envelope = account.envelopesById.get(envelopeId);
    if (envelope) return { account, envelope };
  }
  return undefined;
}
