import "server-only";
// Short-lived tokens the clouds exchange for credentials: AWS STS
// (AssumeRoleWithWebIdentity, audience sts.amazonaws.com), and the keyless
// federations of the other providers, each with the audience its cloud expects
// (lib/registries/providers/<provider>.ts `federation.audience`). One signer
// for every audience; the caller always names it. Only server code mints; no
// endpoint returns one.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { prisma } from "@/lib/db";
import { getIssuer } from "@/lib/oidc/issuer";
import { getKeySnapshot } from "@/lib/oidc/key-cache";
import { SIGNING_ALGORITHM, TOKEN_LIFETIME_SECONDS } from "@/lib/oidc/lifecycle-policy";
import { generateTeamPublicId } from "@/lib/teams/public-id";

const NOT_BEFORE_SKEW_SECONDS = 5;
const RESERVED_CLAIMS = new Set(["iss", "sub", "aud", "iat", "nbf", "exp", "jti"]);

export type TokenPurpose = "registry-test" | "registry-pull" | "issuer-check";

export interface MintedToken {
  token: string;
  kid: string;
  claims: { iss: string; sub: string; aud: string; iat: number; nbf: number; exp: number; jti: string; purpose: TokenPurpose };
}

/** A token whose subject is the team's public ID, for `audience` (sts.amazonaws.com for AWS, the cloud's own elsewhere). */
export async function mintWebIdentityToken(input: { teamId: string; purpose: TokenPurpose; audience: string; extraClaims?: Record<string, string | number | boolean>; now?: Date }): Promise<MintedToken> {
  const team = await prisma.team.findUnique({ where: { id: input.teamId }, select: { publicId: true } });
  if (!team) throw new Error("cannot mint a token for a team that does not exist");
  return signToken(team.publicId, input.purpose, input.audience, input.extraClaims, input.now);
}

/**
 * A token for a fresh random subject that is no team's: the Test's negative
 * check proves a role refuses it. Nothing can choose the subject, so this
 * cannot mint a token for another team.
 */
export async function mintStrangerToken(purpose: TokenPurpose, audience: string, now = new Date()): Promise<MintedToken> {
  return signToken(generateTeamPublicId(), purpose, audience, {}, now);
}

async function signToken(
  subject: string,
  purpose: TokenPurpose,
  audience: string,
  extraClaims: Record<string, string | number | boolean> = {},
  now = new Date(),
): Promise<MintedToken> {
  const snapshot = await getKeySnapshot(now.getTime());
  if (!snapshot.signing) throw new Error("the issuer has no current signing key");
  if (audience.trim() === "") throw new Error("a web identity token needs an audience");
  const iat = Math.floor(now.getTime() / 1000);
  const claims = {
    ...Object.fromEntries(Object.entries(extraClaims).filter(([name]) => !RESERVED_CLAIMS.has(name))),
    iss: getIssuer().url,
    sub: subject,
    aud: audience,
    iat,
    nbf: iat - NOT_BEFORE_SKEW_SECONDS,
    exp: iat + TOKEN_LIFETIME_SECONDS,
    jti: randomUUID(),
    purpose,
  };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: snapshot.signing.kid, typ: "JWT" })
    .sign(snapshot.signing.privateKey);
  return { token, kid: snapshot.signing.kid, claims };
}
