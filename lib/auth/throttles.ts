import "server-only";
// The limits on unauthenticated entry points, shared by every portal process
// (lib/rate-limit). Failed sign-ins count per account and per client address;
// a sign-in with the right password gives its hits back.
import { consumeRateLimits, refundRateLimitHit, type RateLimit } from "@/lib/rate-limit/rate-limit";
import { UserFacingError } from "@/lib/http/result";

export const SIGN_IN_ACCOUNT_LIMIT: RateLimit = { name: "sign-in-account", limit: 10, windowSeconds: 15 * 60 };
export const SIGN_IN_ADDRESS_LIMIT: RateLimit = { name: "sign-in-address", limit: 100, windowSeconds: 15 * 60 };
export const SIGN_UP_ADDRESS_LIMIT: RateLimit = { name: "sign-up-address", limit: 20, windowSeconds: 60 * 60 };
export const INVITE_ACCEPT_ADDRESS_LIMIT: RateLimit = { name: "invite-accept-address", limit: 20, windowSeconds: 60 * 60 };

export class ThrottledError extends UserFacingError {
  constructor(
    what: string,
    readonly retryAfterSeconds: number,
  ) {
    super("rate_limited", `${what} Try again in ${retryAfterSeconds} s.`);
  }
}

/** Counts a sign-in attempt; throws ThrottledError when the account or the address has too many recent failures. */
export async function claimSignInAttempt(email: string, clientAddress: string): Promise<{ succeeded(): Promise<void> }> {
  const attempt = await consumeRateLimits([
    { limit: SIGN_IN_ACCOUNT_LIMIT, subject: email },
    { limit: SIGN_IN_ADDRESS_LIMIT, subject: clientAddress },
  ]);
  if (!attempt.allowed) throw new ThrottledError("Too many failed sign-ins.", attempt.retryAfterSeconds);
  return { succeeded: () => Promise.all(attempt.hits.map(refundRateLimitHit)).then(() => undefined) };
}

/** Throws ThrottledError when `clientAddress` has used `limit` up. */
export async function throttleByAddress(limit: RateLimit, clientAddress: string, what: string): Promise<void> {
  const attempt = await consumeRateLimits([{ limit, subject: clientAddress }]);
  if (!attempt.allowed) throw new ThrottledError(what, attempt.retryAfterSeconds);
}
