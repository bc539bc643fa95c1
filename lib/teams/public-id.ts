import { randomBytes } from "node:crypto";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/**
 * A team's public ID: `team_` and 26 random base32 characters (130 bits).
 * It is the OIDC subject vendors put into AWS trust policies, so it is opaque
 * (derived from nothing), never changes (a database trigger refuses updates)
 * and is never reused (unique, and random enough never to collide).
 */
export function generateTeamPublicId(): string {
  const bytes = randomBytes(26);
  let id = "team_";
  for (const byte of bytes) id += BASE32[byte & 31];
  return id;
}

export const TEAM_PUBLIC_ID_PATTERN = /^team_[a-z2-7]{26}$/;
