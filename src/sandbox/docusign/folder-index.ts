import { createRandom } from './random';
import {
  hash32,
  type SimAccount,
  type SimEnvelope,
  type SimFolder,
  type SimState,
  type SystemFolderType,
} from './state';

const SYSTEM_FOLDER_NAMES: Record<SystemFolderType, string> = {
  draft: 'Draft',
  inbox: 'Inbox',
  sentitems: 'Sent Items',
  recyclebin: 'Deleted Items',
};

/** Folder types every user has. */
export const SYSTEM_FOLDER_TYPES: SystemFolderType[] = ['draft', 'inbox', 'sentitems', 'recyclebin'];

/** A user's system folder, created on first use with an id derived from (seed, account, user, type). */
export function systemFolder(
  state: SimState,
  account: SimAccount,
  userId: string,
  type: SystemFolderType,
): SimFolder {
  let byType = account.systemFolders.get(userId);
  if (!byType) {
    byType = new Map();
    account.systemFolders.set(userId, byType);
  }
  const existing = byType.get(type);
  if (existing) return account.folders.get(existing)!;
  const folderId = createRandom(hash32(`${state.seed}:${account.accountId}:${userId}:${type}`)).guid();
  const folder: SimFolder = { folderId, name: SYSTEM_FOLDER_NAMES[type], type, ownerUserId: userId };
  account.folders.set(folderId, folder);
  byType.set(type, folderId);
  return folder;
}

/** The folder an envelope currently sits in (in its owner's folder tree). */
export function envelopeFolder(state: SimState, account: SimAccount, envelope: SimEnvelope): SimFolder {
  if (envelope.customFolderId) {
    const custom = account.folders.get(envelope.customFolderId);
    if (custom) return custom;
  }
  return systemFolder(state, account, envelope.ownerUserId, envelope.folderType);
}

/** Folders visible to a user: their system folders and their custom folders. */
export function foldersOfUser(state: SimState, account: SimAccount, userId: string): SimFolder[] {
  const system = SYSTEM_FOLDER_TYPES.map((t) => systemFolder(state, account, userId, t));
  const custom = [...account.folders.values()].filter((f) => f.type === 'normal' && f.ownerUserId === userId);
  return [...system, ...custom];
}
