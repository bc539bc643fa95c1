import "server-only";
// The limits on unauthenticated entry points, shared by every portal process
// (lib/rate-limit). Password guessing is slowed down without handing anyone a
// way to lock an owner out (docs/security.md, "Sign-in throttling"):
// - failures count per (account, address) and per address, each refused for
//   the rest of its window past its limit: one address locks only itself;
// - failures count per account across all addresses too, but only at a much
//   higher count, and past it the account answers with growing delays, never
//   a lock;
// - a browser that has signed in to the account before (lib/auth/device-cookie)
//   is counted on its own and held back by none of the above.
// A sign-in with the right password gives its own hits back. An unknown email
// counts like a known one (throttling does not reveal which accounts exist),
// and locks nothing but the guesser's own address.
import type { TrustedDevice } from "@/lib/auth/device-cookie";
import { UserFacingError } from "@/lib/http/result";
import { consumeRateLimits, refundRateLimitHit, type RateLimit } from "@/lib/rate-limit/rate-limit";

export const SIGN_IN_ACCOUNT_ADDRESS_LIMIT: RateLimit = { name: "sign-in-account-address", limit: 10, windowSeconds: 15 * 60 };
export const SIGN_IN_ADDRESS_LIMIT: RateLimit = { name: "sign-in-address", limit: 100, windowSeconds: 15 * 60 };
export const SIGN_IN_ACCOUNT_LIMIT: RateLimit = { name: "sign-in-account", limit: 50, windowSeconds: 60 * 60, backoff: { baseSeconds: 5, maxSeconds: 60 } };
export const SIGN_IN_DEVICE_LIMIT: RateLimit = { name: "sign-in-device", limit: 10, windowSeconds: 15 * 60 };
export const SIGN_UP_ADDRESS_LIMIT: RateLimit = { name: "sign-up-address", limit: 20, windowSeconds: 60 * 60 };
export const INVITE_ACCEPT_ADDRESS_LIMIT: RateLimit = { name: "invite-accept-address", limit: 20, windowSeconds: 60 * 60 };

/** Why a sign-in was held back: too many failures from this browser or address, or the account is being slowed down for browsers it does not know. */
export type SignInThrottleReason = "client" | "account";

export class ThrottledError extends UserFacingError {
  constructor(
    what: string,
    readonly retryAfterSeconds: number,
    readonly reason: SignInThrottleReason = "client",
  ) {
    super("rate_limited", `${what} Try again in ${retryAfterSeconds} s.`);
  }
}

/**
 * Counts a sign-in attempt; throws ThrottledError when a limit applies.
 * `trustedDevice` is the browser's device cookie for this account, when it has a valid one.
 */
export async function claimSignInAttempt(email: string, clientAddress: string, trustedDevice: TrustedDevice | null): Promise<{ succeeded(): Promise<void> }> {
  const checks = trustedDevice
    ? [{ limit: SIGN_IN_DEVICE_LIMIT, subject: `${trustedDevice.userId} ${trustedDevice.deviceId}` }]
    : [
        { limit: SIGN_IN_ACCOUNT_ADDRESS_LIMIT, subject: `${email} ${clientAddress}` },
        { limit: SIGN_IN_ADDRESS_LIMIT, subject: clientAddress },
        { limit: SIGN_IN_ACCOUNT_LIMIT, subject: email },
      ];
  const attempt = await consumeRateLimits(checks);
  if (!attempt.allowed) {
    if (attempt.refusedBy === SIGN_IN_ACCOUNT_LIMIT) {
      throw new ThrottledError("This account has had many failed sign-ins, so sign-ins from browsers it does not know are slowed down.", attempt.retryAfterSeconds, "account");
    }
    throw new ThrottledError("Too many failed sign-ins.", attempt.retryAfterSeconds, "client");
  }
  return { succeeded: () => Promise.all(attempt.hits.map(refundRateLimitHit)).then(() => undefined) };
}

/** Throws ThrottledError when `clientAddress` has used `limit` up. */
export async function throttleByAddress(limit: RateLimit, clientAddress: string, what: string): Promise<void> {
  const attempt = await consumeRateLimits([{ limit, subject: clientAddress }]);
  if (!attempt.allowed) throw new ThrottledError(what, attempt.retryAfterSeconds);
}
