/** One group with its members: DocuSign has no single-group GET, so the list is searched. */
import type { OutputOptions, UnifiedCaller, UnifiedDeps } from './execute';
import { findRecord, mapRecords, readAllRecords } from './lookup';

/** The group `id` mapped (or raw, with `users`), with every member under `members`. */
export async function getGroupWithMembers(
  deps: UnifiedDeps,
  caller: UnifiedCaller,
  input: {
    id: string;
    requestedAccountId: string | undefined;
    output: OutputOptions;
    /** Whose `groups` mapping (with its `list` and `members` methods): default `e-signature`. */
    model?: 'e-signature' | 'user-directory';
  },
): Promise<unknown> {
  const source = {
    model: input.model ?? 'e-signature',
    resource: 'groups',
    requestedAccountId: input.requestedAccountId,
  };
  const { record, read } = await findRecord(
    deps,
    caller,
    { ...source, method: 'list', params: {} },
    input.id,
    `${source.model} group`,
  );
  const members = await readAllRecords(deps, caller, {
    ...source,
    method: 'members',
    params: { id: input.id },
  });
  const [group] = mapRecords(read, [record], input.output) as Record<string, unknown>[];
  const mappedMembers = mapRecords(members, members.records, input.output);
  return input.output.raw ? { ...group, users: mappedMembers } : { ...group, members: mappedMembers };
}
