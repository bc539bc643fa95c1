import "server-only";
// The bearer token itself: 32 random bytes behind a recognisable prefix. Only
// its SHA-256 is stored; a leaked database gives no usable token.
import { createHash, randomBytes } from "node:crypto";
import { API_TOKEN_PATTERN, API_TOKEN_PREFIX } from "@/lib/api-tokens/schema";

export function newApiToken(): { token: string; tokenHash: string; displayPrefix: string } {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, tokenHash: hashApiToken(token), displayPrefix: token.slice(0, API_TOKEN_PREFIX.length + 6) };
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function looksLikeApiToken(value: string): boolean {
  return API_TOKEN_PATTERN.test(value);
}
