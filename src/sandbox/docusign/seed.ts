import { createRandom, type Random } from './random';
import {
  addEnvelope,
  addMembership,
  addTemplate,
  defaultRoleSettings,
  type EnvelopeStatus,
  indexUser,
  type SimAccount,
  type SimDocument,
  type SimEnvelope,
  type SimGroup,
  type SimMembership,
  type SimPermissionProfile,
  type SimRecipient,
  type SimState,
  type SimTab,
  type SimUser,
  type UserStatus,
} from './state';

/** How much data to generate for the primary account. */
export interface SeedScale {
  users?: number;
  envelopes?: number;
  templates?: number;
  groups?: number;
}

/** Ids of the seeded defaults that tests and the sandbox use. */
export interface SeedDefaults {
  userId: string;
  userEmail: string;
  accountIds: string[];
  organizationId: string;
  clientId: string;
  clientSecret: string;
}

const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'John',
  'Radia',
  'Tim',
  'Katherine',
  'Edsger',
  'Hedy',
  'Donald',
  'Sophie',
  'Niklaus',
  'Carol',
  'Guido',
  'Anita',
  'Bjarne',
  'Shafi',
  'James',
];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Backus',
  'Perlman',
  'Lee',
  'Johnson',
  'Dijkstra',
  'Lamarr',
  'Knuth',
  'Wilson',
  'Wirth',
  'Shaw',
  'Rossum',
  'Borg',
  'Stroustrup',
  'Goldwasser',
];
const TITLES = [
  'Engineer',
  'Account Executive',
  'Office Manager',
  'Counsel',
  'Recruiter',
  'Analyst',
  'Director',
];
const SUBJECTS = [
  'Please sign: Mutual NDA',
  'Offer letter',
  'Master services agreement',
  'Statement of work',
  'Vendor onboarding form',
  'Lease renewal',
  'Purchase order approval',
  'Consulting agreement',
  'Employee handbook acknowledgement',
];
const TEMPLATE_NAMES = [
  'Mutual NDA',
  'Offer Letter',
  'MSA',
  'SOW',
  'Vendor Form',
  'Lease',
  'Purchase Order',
  'Consulting Agreement',
  'Handbook',
];
const DAY = 86_400_000;
// Shared by every seeded membership without custom groups (memberships replace, never mutate, `groupIds`).
const NO_GROUPS: string[] = [];

/** Builds a new empty account record. */
export function emptyAccount(
  accountId: string,
  externalAccountId: number,
  accountName: string,
  createdMs: number,
): SimAccount {
  return {
    accountId,
    externalAccountId,
    siteId: 1,
    accountName,
    createdMs,
    plan: {
      planId: '',
      planName: 'Business Pro',
      paymentCycle: 'annually',
      paymentMethod: 'CreditCard',
      perSeatPrice: 40,
      includedSeats: 5,
      currencyCode: 'USD',
      planStartMs: createdMs,
      renewalMs: createdMs + 365 * DAY,
    },
    members: [],
    membersById: new Map(),
    permissionProfiles: [],
    groups: [],
    envelopes: [],
    envelopesById: new Map(),
    templates: [],
    templatesById: new Map(),
    folders: new Map(),
    systemFolders: new Map(),
    contacts: new Map(),
    connectConfigs: [],
    transferRules: [],
    invoices: [],
    hmacKeys: [],
  };
}

interface SeedContext {
  rng: Random;
  state: SimState;
  now: number;
  numericId(): string;
}

function makeUser(ctx: SeedContext, i: number, createdMs: number): SimUser {
  const firstName = FIRST[i % FIRST.length]!;
  const lastName = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  const user: SimUser = {
    userId: ctx.rng.guid(),
    firstName,
    lastName,
    email: `${firstName}.${lastName}.${i}@example.com`.toLowerCase(),
    createdMs,
  };
  indexUser(ctx.state, user);
  return user;
}

function seedProfiles(ctx: SeedContext, account: SimAccount): SimPermissionProfile[] {
  const names = ['Account Administrator', 'DocuSign Sender', 'DocuSign Viewer'];
  account.permissionProfiles = names.map((permissionProfileName) => ({
    permissionProfileId: ctx.numericId(),
    permissionProfileName,
    modifiedMs: account.createdMs,
    settings: defaultRoleSettings(permissionProfileName),
  }));
  return account.permissionProfiles;
}

function seedGroups(ctx: SeedContext, account: SimAccount, customCount: number): SimGroup[] {
  const [admin, sender] = account.permissionProfiles;
  const groups: SimGroup[] = [
    {
      groupId: ctx.numericId(),
      groupName: 'Administrators',
      groupType: 'adminGroup',
      permissionProfileId: admin?.permissionProfileId,
      dsGroupId: ctx.rng.guid(),
      userIds: new Set(),
    },
    {
      groupId: ctx.numericId(),
      groupName: 'Everyone',
      groupType: 'everyoneGroup',
      dsGroupId: ctx.rng.guid(),
      userIds: new Set(),
    },
  ];
  const names = ['Sales', 'Legal', 'HR', 'Finance', 'Operations', 'Engineering', 'Support', 'Marketing'];
  for (let i = 0; i < customCount; i++) {
    groups.push({
      groupId: ctx.numericId(),
      groupName: i < names.length ? names[i]! : `Team ${i + 1}`,
      groupType: 'customGroup',
      permissionProfileId: sender?.permissionProfileId,
      dsGroupId: ctx.rng.guid(),
      userIds: new Set(),
    });
  }
  account.groups = groups;
  return groups;
}

function membership(
  ctx: SeedContext,
  account: SimAccount,
  user: SimUser,
  status: UserStatus,
  isAdmin: boolean,
): SimMembership {
  const profiles = account.permissionProfiles;
  const m: SimMembership = {
    userId: user.userId,
    membershipId: ctx.rng.guid(),
    status,
    permissionProfileId: (isAdmin ? profiles[0] : profiles[1 + ctx.rng.int(2)])!.permissionProfileId,
    isAdmin,
    addedMs: user.createdMs,
    modifiedMs: user.createdMs,
    jobTitle: TITLES[ctx.rng.int(TITLES.length)],
    groupIds: NO_GROUPS,
  };
  if (status === 'Closed') m.closedMs = user.createdMs + DAY;
  addMembership(account, m);
  return m;
}

function pickStatus(rng: Random): UserStatus {
  const r = rng.int(100);
  if (r < 88) return 'Active';
  if (r < 93) return 'ActivationSent';
  if (r < 98) return 'Closed';
  return 'Disabled';
}

function document(ctx: SeedContext, id: number, name: string): SimDocument {
  return {
    documentId: String(id),
    documentIdGuid: ctx.rng.guid(),
    name,
    fileExtension: 'pdf',
    order: id,
    pages: 1 + ctx.rng.int(3),
  };
}

function signerTabs(ctx: SeedContext, recipientId: string, withText: boolean): SimTab[] {
  const tab = (kind: string, tabLabel: string, y: number, extra: Partial<SimTab> = {}): SimTab => ({
    kind,
    tabId: ctx.rng.guid(),
    tabLabel,
    documentId: '1',
    pageNumber: '1',
    xPosition: '100',
    yPosition: String(y + Number(recipientId) * 120),
    ...extra,
  });
  const tabs = [tab('signHereTabs', 'Signature', 500), tab('dateSignedTabs', 'Date Signed', 540)];
  if (withText) tabs.push(tab('textTabs', 'Company', 460, { value: '', required: 'true', locked: 'false' }));
  return tabs;
}

const ENVELOPE_STATUSES: [EnvelopeStatus, number][] = [
  ['completed', 50],
  ['sent', 20],
  ['delivered', 10],
  ['created', 8],
  ['voided', 6],
  ['declined', 6],
];

function pickEnvelopeStatus(rng: Random): EnvelopeStatus {
  let r = rng.int(100);
  for (const [status, weight] of ENVELOPE_STATUSES) {
    if (r < weight) return status;
    r -= weight;
  }
  return 'completed';
}

function seedEnvelope(ctx: SeedContext, account: SimAccount, sender: SimUser, pool: SimUser[]): SimEnvelope {
  const { rng, now } = ctx;
  const status = pickEnvelopeStatus(rng);
  const createdMs = now - (1 + rng.int(364)) * DAY - rng.int(DAY);
  const sentMs = status === 'created' ? undefined : createdMs + rng.int(3_600_000);
  const signerCount = 1 + rng.int(2);
  const recipients: SimRecipient[] = [];
  for (let r = 0; r < signerCount; r++) {
    const person = pool[rng.int(pool.length)]!;
    const recipientId = String(r + 1);
    const recipient: SimRecipient = {
      recipientId,
      recipientIdGuid: rng.guid(),
      type: 'signer',
      name: `${person.firstName} ${person.lastName}`,
      email: person.email,
      routingOrder: r + 1,
      status: 'created',
      tabs: signerTabs(ctx, recipientId, r === 0),
    };
    recipients.push(recipient);
  }
  if (rng.int(3) === 0) {
    recipients.push({
      recipientId: String(signerCount + 1),
      recipientIdGuid: rng.guid(),
      type: 'carboncopy',
      name: `${sender.firstName} ${sender.lastName}`,
      email: sender.email,
      routingOrder: signerCount + 1,
      status: 'created',
      tabs: [],
    });
  }
  const envelope: SimEnvelope = {
    envelopeId: rng.guid(),
    status,
    emailSubject: SUBJECTS[rng.int(SUBJECTS.length)]!,
    emailBlurb: 'Please review and sign.',
    senderUserId: sender.userId,
    ownerUserId: sender.userId,
    folderType: status === 'created' ? 'draft' : 'sentitems',
    createdMs,
    lastModifiedMs: createdMs,
    statusChangedMs: createdMs,
    recipients,
    documents: [document(ctx, 1, 'Agreement.pdf')],
    textCustomFields: [],
  };
  if (sentMs !== undefined) {
    envelope.sentMs = sentMs;
    let t = sentMs;
    for (const r of recipients) {
      r.status = 'sent';
      r.sentMs = sentMs;
    }
    if (status === 'delivered' || status === 'completed' || status === 'declined') {
      t += rng.int(DAY);
      envelope.deliveredMs = t;
      recipients[0]!.status = 'delivered';
      recipients[0]!.deliveredMs = t;
    }
    if (status === 'completed') {
      for (const r of recipients) {
        t += rng.int(DAY);
        r.deliveredMs ??= t;
        r.status = r.type === 'signer' ? 'completed' : 'completed';
        r.signedMs = t;
      }
      envelope.completedMs = t;
    } else if (status === 'declined') {
      t += rng.int(DAY);
      recipients[0]!.status = 'declined';
      recipients[0]!.declinedMs = t;
      recipients[0]!.declinedReason = 'Terms not acceptable';
      envelope.declinedMs = t;
    } else if (status === 'voided') {
      t += rng.int(DAY);
      envelope.voidedMs = t;
      envelope.voidedReason = 'Sent in error';
    }
    envelope.lastModifiedMs = Math.min(t, now);
    envelope.statusChangedMs = Math.min(t, now);
  }
  addEnvelope(account, envelope);
  return envelope;
}

function seedTemplate(
  ctx: SeedContext,
  account: SimAccount,
  owner: SimUser,
  i: number,
  folderId: string,
): void {
  const { rng, now } = ctx;
  const createdMs = now - (1 + rng.int(700)) * DAY;
  const roleCount = 1 + rng.int(2);
  const roles: SimRecipient[] = [];
  for (let r = 0; r < roleCount; r++) {
    const recipientId = String(r + 1);
    roles.push({
      recipientId,
      recipientIdGuid: rng.guid(),
      type: 'signer',
      name: '',
      email: '',
      roleName: r === 0 ? 'Signer' : 'Counter Signer',
      routingOrder: r + 1,
      status: 'created',
      tabs: signerTabs(ctx, recipientId, r === 0),
    });
  }
  const base = TEMPLATE_NAMES[i % TEMPLATE_NAMES.length]!;
  addTemplate(account, {
    templateId: rng.guid(),
    name: i < TEMPLATE_NAMES.length ? base : `${base} v${Math.floor(i / TEMPLATE_NAMES.length) + 1}`,
    description: `${base} template`,
    shared: rng.int(2) === 0,
    ownerUserId: owner.userId,
    createdMs,
    lastModifiedMs: createdMs + rng.int(30) * DAY,
    lastUsedMs: rng.int(3) === 0 ? undefined : now - rng.int(90) * DAY,
    folderId,
    emailSubject: `Please sign: ${base}`,
    emailBlurb: '',
    documents: [document(ctx, 1, `${base}.pdf`)],
    roles,
  });
}

function seedInvoices(ctx: SeedContext, account: SimAccount): void {
  for (let m = 1; m <= 12; m++) {
    const seats = account.plan.includedSeats;
    const amount = seats * account.plan.perSeatPrice;
    account.invoices.push({
      invoiceId: ctx.rng.guid(),
      invoiceNumber: String(100000 + ctx.rng.int(900000)),
      amount,
      balance: m === 1 ? amount : 0,
      dueMs: ctx.now - (m - 1) * 30 * DAY,
      items: [
        {
          invoiceItemId: ctx.rng.guid(),
          chargeName: 'Seat license',
          quantity: seats,
          unitPrice: account.plan.perSeatPrice,
        },
      ],
    });
  }
}

/** Fills `state` deterministically from `seed`: two accounts in one organization, sharing the default user. */
export function seedState(
  state: SimState,
  seed: number,
  scale: Required<SeedScale>,
  now: number,
): SeedDefaults {
  const rng = createRandom(seed);
  const ctx: SeedContext = { rng, state, now, numericId: () => String(state.nextNumericId++) };
  const accountCreated = now - 3 * 365 * DAY;

  const primary = emptyAccount(
    rng.guid(),
    10_000_000 + rng.int(89_999_999),
    'Acme Corporation',
    accountCreated,
  );
  const secondary = emptyAccount(
    rng.guid(),
    10_000_000 + rng.int(89_999_999),
    'Acme Europe',
    accountCreated + 30 * DAY,
  );
  for (const account of [primary, secondary]) {
    account.plan.planId = rng.guid();
    // An annual plan that renewed automatically since the account was created: its current term holds `now`.
    const terms = Math.floor((now - account.createdMs) / (365 * DAY));
    account.plan.planStartMs = account.createdMs + terms * 365 * DAY;
    account.plan.renewalMs = account.plan.planStartMs + 365 * DAY;
    state.accounts.set(account.accountId, account);
    seedProfiles(ctx, account);
  }
  seedGroups(ctx, primary, scale.groups);
  seedGroups(ctx, secondary, Math.min(2, scale.groups));
  primary.plan.includedSeats = Math.max(5, Math.ceil(scale.users / 10) * 10);

  const defaultUser: SimUser = {
    userId: rng.guid(),
    firstName: 'Sandbox',
    lastName: 'Admin',
    email: 'sandbox.admin@example.com',
    createdMs: accountCreated,
    lastLoginMs: now - DAY,
  };
  indexUser(state, defaultUser);
  membership(ctx, primary, defaultUser, 'Active', true);
  membership(ctx, secondary, defaultUser, 'Active', true);

  const users: SimUser[] = [defaultUser];
  const customGroups = primary.groups.filter((g) => g.groupType === 'customGroup');
  for (let i = 1; i < scale.users; i++) {
    const user = makeUser(ctx, i, accountCreated + rng.int(3 * 365) * DAY);
    if (rng.int(4) !== 0) user.lastLoginMs = now - rng.int(120) * DAY;
    users.push(user);
    const m = membership(ctx, primary, user, pickStatus(rng), i % 50 === 0);
    if (customGroups.length > 0 && rng.int(3) !== 0) {
      const g = customGroups[rng.int(customGroups.length)]!;
      g.userIds.add(user.userId);
      m.groupIds = [g.groupId];
    }
  }
  // The European account shares a few people with the primary one and has some of its own.
  const shared = users.slice(1, Math.min(users.length, 6));
  for (const user of shared) membership(ctx, secondary, user, 'Active', false);
  const euUsers: SimUser[] = [defaultUser, ...shared];
  for (let i = 0; i < Math.min(10, scale.users); i++) {
    const user = makeUser(ctx, scale.users + i, accountCreated + 60 * DAY);
    euUsers.push(user);
    membership(ctx, secondary, user, 'Active', false);
  }

  const senders = users.filter((u) => primary.membersById.get(u.userId)?.status === 'Active');
  for (let i = 0; i < scale.envelopes; i++) {
    const sender = i % 10 === 0 ? defaultUser : senders[rng.int(senders.length)]!;
    seedEnvelope(ctx, primary, sender, users);
  }
  for (let i = 0; i < Math.min(20, scale.envelopes); i++) {
    seedEnvelope(ctx, secondary, euUsers[rng.int(euUsers.length)]!, euUsers);
  }
  primary.envelopes.sort((a, b) => a.createdMs - b.createdMs);
  secondary.envelopes.sort((a, b) => a.createdMs - b.createdMs);

  const templateFolder = rng.guid();
  primary.folders.set(templateFolder, {
    folderId: templateFolder,
    name: 'Templates',
    type: 'normal',
    ownerUserId: defaultUser.userId,
  });
  for (let i = 0; i < scale.templates; i++) {
    const owner = i % 3 === 0 ? defaultUser : senders[rng.int(senders.length)]!;
    seedTemplate(ctx, primary, owner, i, templateFolder);
  }

  for (let i = 0; i < 3; i++) {
    const person = users[(i + 1) % users.length]!;
    const contactId = rng.guid();
    primary.contacts.set(contactId, {
      contactId,
      name: `${person.firstName} ${person.lastName}`,
      emails: [person.email],
      organization: 'Example Partners',
      phones: [{ phoneNumber: `+1555010${i}`, phoneType: 'mobile' }],
      shared: true,
      ownerUserId: defaultUser.userId,
    });
  }

  seedInvoices(ctx, primary);
  seedInvoices(ctx, secondary);

  state.organization = {
    organizationId: rng.guid(),
    name: 'Acme Holdings',
    createdMs: accountCreated,
    createdBy: defaultUser.userId,
    accountIds: [primary.accountId, secondary.accountId],
    adminUserIds: new Set([defaultUser.userId]),
    defaultAccountId: primary.accountId,
    reservedDomain: { id: rng.guid(), hostName: 'example.com' },
    esignProductId: rng.guid(),
  };

  return {
    userId: defaultUser.userId,
    userEmail: defaultUser.email,
    accountIds: [primary.accountId, secondary.accountId],
    organizationId: state.organization.organizationId,
    clientId: rng.guid(),
    clientSecret: rng.guid().replace(/-/g, ''),
  };
}
