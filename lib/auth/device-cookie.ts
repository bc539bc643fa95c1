import "server-only";
// The device cookie (OWASP's "slow down online guessing" pattern): a browser
// that has signed in to an account before carries a signed proof of it, and
// its sign-ins to that account are counted per device, not held back by
// failures from elsewhere (lib/auth/throttles.ts). HttpOnly, Secure over
// https, one entry per account (a few accounts per browser), each
// `<userId>.<deviceId>.<expires>.<mac>` with an HMAC-SHA256 under a key
// derived from NEXTAUTH_SECRET for this use only.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { getEnv } from "@/lib/env";

export const DEVICE_COOKIE = "portal-device";
export const DEVICE_COOKIE_LIFETIME_SECONDS = 180 * 24 * 60 * 60;
const MAX_ACCOUNTS_PER_BROWSER = 5;
const MAX_COOKIE_LENGTH = 1500;

export interface TrustedDevice {
  userId: string;
  deviceId: string;
}

interface Entry extends TrustedDevice {
  expiresAt: number;
}

let cachedKey: { secret: string; key: Buffer } | undefined;
function deviceCookieKey(): Buffer {
  const secret = getEnv().NEXTAUTH_SECRET;
  if (cachedKey?.secret !== secret) cachedKey = { secret, key: Buffer.from(hkdfSync("sha256", secret, "registry-portal", "sign-in-device-cookie-v1", 32)) };
  return cachedKey.key;
}

function mac(userId: string, deviceId: string, expiresAt: number): Buffer {
  return createHmac("sha256", deviceCookieKey()).update(`${userId}.${deviceId}.${expiresAt}`).digest();
}

/** The valid, unexpired entries of a device cookie; anything malformed or forged is left out. */
function readEntries(value: string | undefined, now: Date): Entry[] {
  if (!value || value.length > MAX_COOKIE_LENGTH) return [];
  return value.split("~").flatMap((text) => {
    const match = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(text);
    if (!match) return [];
    const [, userId, deviceId, expires, signature] = match as unknown as [string, string, string, string, string];
    const expiresAt = Number(expires);
    if (expiresAt * 1000 <= now.getTime()) return [];
    const given = Buffer.from(signature, "base64url");
    const expected = mac(userId, deviceId, expiresAt);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return [];
    return [{ userId, deviceId, expiresAt }];
  });
}

/** The device this browser proved it signed in to `userId` from before, or null. */
export function trustedDeviceFor(value: string | undefined, userId: string, now = new Date()): TrustedDevice | null {
  const entry = readEntries(value, now).find((candidate) => candidate.userId === userId);
  return entry ? { userId: entry.userId, deviceId: entry.deviceId } : null;
}

/** The cookie's value after a successful sign-in to `userId`: that account's entry renewed (same device ID), other accounts' entries kept. */
export function deviceCookieAfterSignIn(value: string | undefined, userId: string, now = new Date()): string {
  const entries = readEntries(value, now);
  const deviceId = entries.find((entry) => entry.userId === userId)?.deviceId ?? randomBytes(16).toString("base64url");
  const expiresAt = Math.floor(now.getTime() / 1000) + DEVICE_COOKIE_LIFETIME_SECONDS;
  const others = entries.filter((entry) => entry.userId !== userId).slice(0, MAX_ACCOUNTS_PER_BROWSER - 1);
  return [{ userId, deviceId, expiresAt }, ...others].map((entry) => `${entry.userId}.${entry.deviceId}.${entry.expiresAt}.${mac(entry.userId, entry.deviceId, entry.expiresAt).toString("base64url")}`).join("~");
}

export function deviceCookieOptions() {
  return { httpOnly: true, sameSite: "lax", path: "/", secure: getEnv().APP_URL.startsWith("https://"), maxAge: DEVICE_COOKIE_LIFETIME_SECONDS } as const;
}
