/**
 * Which URLs a subscription may point at. HTTPS only, never the gateway itself, never loopback, private, link-local
 * or other non-public addresses (server-side request forgery) unless `allowPrivateUrls` is set, which also allows
 * plain http (development, tests, a subscriber on the same private network).
 */
import { ApiError } from '../http/errors';

export interface SubscriberUrlPolicy {
  /** `WEBHOOKS_ALLOW_PRIVATE_URLS`: allow http and loopback/private hosts. */
  allowPrivateUrls: boolean;
  /** The gateway's own origins (its PUBLIC_URL); deliveries there would loop. */
  gatewayOrigins: readonly string[];
  /** Resolves a host name to its addresses (Node: DNS) so a public name pointing at a private address is refused too. */
  resolve?: (hostname: string) => Promise<string[]>;
}

function ipv4Parts(host: string): number[] | null {
  const parts = host.split('.');
  if (parts.length !== 4) return null;
  const nums = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  return nums.every((n) => n >= 0 && n <= 255) ? nums : null;
}

/** True for addresses that are not on the public internet (IPv4 or IPv6 literal, brackets removed). */
export function isNonPublicAddress(address: string): boolean {
  const v4 = ipv4Parts(address);
  if (v4) {
    const [a, b] = v4 as [number, number, number, number];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  const v6 = address.toLowerCase();
  if (!v6.includes(':')) return false;
  if (v6 === '::' || v6 === '::1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  if (mapped) return isNonPublicAddress(mapped[1]!);
  return /^(fc|fd|fe[89ab]|ff)/.test(v6);
}

function isLocalName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal');
}

/** Parses and checks a subscriber URL without network access; throws 400 `invalid_request` with the reason. */
export function checkSubscriberUrl(value: string, policy: SubscriberUrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ApiError('invalid_request', 'url: not a valid absolute URL', { param: 'url' });
  }
  const reject = (reason: string): never => {
    throw new ApiError('invalid_request', `url: ${reason}`, { param: 'url' });
  };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') reject('must be https');
  if (url.username || url.password) reject('must not contain credentials');
  if (url.protocol === 'http:' && !policy.allowPrivateUrls) reject('must be https');
  if (policy.gatewayOrigins.some((origin) => origin === url.origin))
    reject('must not point at the gateway itself');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivateUrls && (isLocalName(host) || isNonPublicAddress(host))) {
    reject('must not point at a loopback, private or link-local address (see WEBHOOKS_ALLOW_PRIVATE_URLS)');
  }
  return url;
}

/** `checkSubscriberUrl` plus, when the policy can resolve names, a check of every address the name resolves to. */
export async function checkSubscriberTarget(value: string, policy: SubscriberUrlPolicy): Promise<URL> {
  const url = checkSubscriberUrl(value, policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivateUrls && policy.resolve && !ipv4Parts(host) && !host.includes(':')) {
    const addresses = await policy.resolve(host);
    if (addresses.some(isNonPublicAddress)) {
      throw new ApiError('invalid_request', `url: ${host} resolves to a non-public address`, {
        param: 'url',
      });
    }
  }
  return url;
}
