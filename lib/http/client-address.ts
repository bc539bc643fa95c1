// The address of the client a request came from, for per-address rate limits.
// Only the production server (scripts/portal-server.ts) sees the socket: it
// resolves the address once, before Next.js routing, and passes it on in a
// header that it always overwrites, so a client cannot choose its own.
// X-Forwarded-For counts only when TRUST_PROXY says how many proxies added to it.
import { isIP } from "node:net";

export const CLIENT_ADDRESS_HEADER = "x-portal-client-address";
export const UNKNOWN_CLIENT_ADDRESS = "unknown";

const marker = globalThis as unknown as { portalResolvesClientAddress?: boolean };

/**
 * The client's address: the socket's peer, or with `trustedProxies` = N the
 * address N entries from the right of X-Forwarded-For (each trusted proxy
 * appends the address it received the request from; entries further left
 * were written by the client and prove nothing).
 */
export function resolveClientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedProxies: number): string {
  const peer = normaliseAddress(socketAddress);
  if (trustedProxies === 0) return peer;
  const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const candidate = entries[entries.length - trustedProxies];
  return candidate && isIP(normaliseAddress(candidate)) ? normaliseAddress(candidate) : peer;
}

/** Called by the production server for every request before Next.js sees it. */
export function stampClientAddress(headers: Record<string, string | string[] | undefined>, socketAddress: string | undefined, trustedProxies: number): void {
  marker.portalResolvesClientAddress = true;
  headers[CLIENT_ADDRESS_HEADER] = resolveClientAddress(socketAddress, headers["x-forwarded-for"], trustedProxies);
}

/**
 * Behind the portal's front process (scripts/portal-proxy.ts), which stamped
 * the header and alone can reach this process's socket: the header is kept.
 */
export function acceptStampedClientAddress(headers: Record<string, string | string[] | undefined>): void {
  marker.portalResolvesClientAddress = true;
  const stamped = headers[CLIENT_ADDRESS_HEADER];
  if (typeof stamped !== "string" || stamped.length === 0) headers[CLIENT_ADDRESS_HEADER] = UNKNOWN_CLIENT_ADDRESS;
}

/** Reads the stamped address; "unknown" (one shared bucket) where no production server stamped it, e.g. `next dev`. */
export function clientAddressFromHeaders(headers: Pick<Headers, "get">): string {
  if (!marker.portalResolvesClientAddress) return UNKNOWN_CLIENT_ADDRESS;
  return headers.get(CLIENT_ADDRESS_HEADER) || UNKNOWN_CLIENT_ADDRESS;
}

function normaliseAddress(address: string | undefined): string {
  if (!address) return UNKNOWN_CLIENT_ADDRESS;
  // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d.
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
