/**
 * TypeScript functions that mapping files may call with `fn: <name>`, for the rare case the declarative
 * format cannot express. Mapping files can only name functions registered here; no user text is evaluated.
 */
import { firstTab, flattenTabs } from './tab-functions';
import { isMissing, toNumber } from './transforms';

/** What a registered function receives besides its input value. */
export interface FunctionContext {
  /** The whole upstream record being mapped (the input is the field's source value). */
  record: unknown;
  accountId?: string;
  organizationId?: string;
  integratedAccountId?: string;
  /** The gateway's clock (milliseconds). */
  now: number;
}

export type MappingFunction = (input: unknown, ctx: FunctionContext) => unknown;

/** A registry of named mapping functions. */
export type FunctionRegistry = Readonly<Record<string, MappingFunction>>;

function field(input: unknown, name: string): unknown {
  return input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[name] : undefined;
}

/** The functions shipped with the gateway. */
export const BUILTIN_FUNCTIONS = {
  /** `seatsAllowed − seatsInUse` of an `accountInformation`; null unless both are numbers. */
  available_seats: (input) => {
    const allowed = toNumber(field(input, 'seatsAllowed'));
    const used = toNumber(field(input, 'seatsInUse'));
    return allowed === null || used === null ? null : Math.max(0, allowed - used);
  },
  /** `perSeatPrice × includedSeats` of an `accountBillingPlan`: the seat charge of one billing cycle. */
  seat_plan_total: (input) => {
    const price = toNumber(field(input, 'perSeatPrice'));
    const seats = toNumber(field(input, 'includedSeats'));
    return price === null || seats === null ? null : Math.round(price * seats * 100) / 100;
  },
  /**
   * A license's status from an `accountInformation`: `suspended` when DocuSign reports a suspension (any
   * `suspensionStatus` other than empty or "false"), else from its dates: `expired` after `planEndDate`, `pending`
   * before `planStartDate`, otherwise `active`.
   */
  license_status: (input, ctx) => {
    const suspension = field(input, 'suspensionStatus');
    if (typeof suspension === 'string' && suspension !== '' && suspension.toLowerCase() !== 'false')
      return 'suspended';
    const end = Date.parse(String(field(input, 'planEndDate') ?? ''));
    if (!Number.isNaN(end) && end <= ctx.now) return 'expired';
    const start = Date.parse(String(field(input, 'planStartDate') ?? ''));
    if (!Number.isNaN(start) && start > ctx.now) return 'pending';
    return 'active';
  },
  /** A user's name from first and last name parts when the full name is missing. */
  join_name: (input) => {
    const parts = [field(input, 'firstName'), field(input, 'lastName')].filter((p) => !isMissing(p));
    return parts.length ? parts.join(' ') : null;
  },
  /** Every tab of a `recipients` or `tabs` object as one list (see tab-functions.ts). */
  flatten_tabs: (input, ctx) => flattenTabs(input, ctx),
  /** The first tab of a `tabs` answer. */
  first_tab: (input, ctx) => firstTab(input, ctx),
} satisfies FunctionRegistry;

/** Builds a registry: the built-ins plus `extra` (an extra function with a built-in's name replaces it). */
export function createFunctionRegistry(extra: FunctionRegistry = {}): FunctionRegistry {
  return Object.freeze({ ...BUILTIN_FUNCTIONS, ...extra });
}
