import "server-only";
// API tokens of a team: created by admins (with at most their own role),
// listed without their secret, revoked at once, and resolved from a bearer
// header into the team, role and actor the API acts as. A token's role is
// capped by its creator's current role, and it stops working when its creator
// leaves the team, so removing an admin also removes what they could script.
import { recordAuditEvent, type AuditActor, type TokenActor } from "@/lib/audit/service";
import { prisma } from "@/lib/db";
import { NOT_FOUND, UserFacingError } from "@/lib/http/result";
import type { ApiTokenStatus, TCreateApiTokenInput } from "@/lib/api-tokens/schema";
import { hashApiToken, looksLikeApiToken, newApiToken } from "@/lib/api-tokens/token";
import { ROLE_LABEL, roleAtLeast, type TeamRole } from "@/lib/teams/roles";

const DAY_MS = 24 * 60 * 60 * 1000;
/** lastUsedAt is written at most this often per token, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

const TOKEN_FIELDS = {
  id: true,
  name: true,
  role: true,
  displayPrefix: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  createdBy: { select: { email: true } },
} as const;

export interface ApiTokenView {
  id: string;
  name: string;
  role: TeamRole;
  displayPrefix: string;
  createdAt: Date;
  createdByEmail: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  status: ApiTokenStatus;
}

type TokenRow = { id: string; name: string; role: TeamRole; displayPrefix: string; createdAt: Date; expiresAt: Date | null; lastUsedAt: Date | null; revokedAt: Date | null; createdBy: { email: string } };

function toView(row: TokenRow, now = new Date()): ApiTokenView {
  const { createdBy, ...rest } = row;
  const status: ApiTokenStatus = row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active";
  return { ...rest, createdByEmail: createdBy.email, status };
}

/** The team's tokens, newest first: active ones, then revoked and expired ones for the record. */
export async function listApiTokens(teamId: string): Promise<ApiTokenView[]> {
  const rows = await prisma.apiToken.findMany({ where: { teamId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: TOKEN_FIELDS });
  return rows.map((row) => toView(row));
}

/** Who creates a token: the person it belongs to (for a token made by a token, that token's creator) and their role now. */
export interface TokenCreator {
  userId: string;
  role: TeamRole;
}

/** Creates a token; the returned `token` is shown once and never stored. */
export async function createApiToken(teamId: string, creator: TokenCreator, actor: AuditActor, input: TCreateApiTokenInput): Promise<{ token: string; apiToken: ApiTokenView }> {
  if (!roleAtLeast(creator.role, input.role)) {
    throw new UserFacingError("forbidden", "Some fields need attention.", { role: `A token can have at most your own role (${ROLE_LABEL[creator.role]}). Choose ${ROLE_LABEL[creator.role]} or lower.` });
  }
  const { token, tokenHash, displayPrefix } = newApiToken();
  const expiresAt = input.expiresInDays === null ? null : new Date(Date.now() + input.expiresInDays * DAY_MS);
  const row = await prisma.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { teamId, name: input.name, role: input.role, tokenHash, displayPrefix, createdByUserId: creator.userId, expiresAt },
      select: TOKEN_FIELDS,
    });
    await recordAuditEvent(teamId, actor, "api_token.created", { type: "api_token", id: created.id }, { name: created.name, role: created.role, expiresAt: expiresAt?.toISOString() ?? "never" }, tx);
    return created;
  });
  return { token, apiToken: toView(row) };
}

export async function revokeApiToken(teamId: string, actor: AuditActor, tokenId: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const revoked = await tx.apiToken.updateMany({ where: { id: tokenId, teamId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (revoked.count === 0) {
      // Revoking a revoked token again is not an error; another team's token is not found.
      const exists = await tx.apiToken.findFirst({ where: { id: tokenId, teamId }, select: { name: true } });
      if (!exists) throw NOT_FOUND();
      return;
    }
    const token = await tx.apiToken.findFirstOrThrow({ where: { id: tokenId, teamId }, select: { name: true } });
    await recordAuditEvent(teamId, actor, "api_token.revoked", { type: "api_token", id: tokenId }, { name: token.name }, tx);
  });
}

/** Who an API request acts as. */
export interface ApiPrincipal {
  team: { id: string; publicId: string; name: string };
  /** The token's role, capped by its creator's current role. */
  role: TeamRole;
  token: { id: string; name: string; role: TeamRole; expiresAt: Date | null };
  /** The person who created the token; tokens created through the API belong to them too. */
  createdByUserId: string;
  actor: TokenActor;
}

export type TokenAuthentication = { ok: true; principal: ApiPrincipal } | { ok: false; message: string };

const UNKNOWN_TOKEN = "This API token is not valid: it is mistyped, revoked, or was never issued. Create a new token under Team → API tokens.";

/** Resolves the token of an `Authorization: Bearer` header. */
export async function authenticateApiToken(token: string, now = new Date()): Promise<TokenAuthentication> {
  if (!looksLikeApiToken(token)) return { ok: false, message: UNKNOWN_TOKEN };
  const row = await prisma.apiToken.findUnique({
    where: { tokenHash: hashApiToken(token) },
    select: {
      id: true,
      teamId: true,
      name: true,
      role: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      createdByUserId: true,
      team: { select: { id: true, publicId: true, name: true } },
    },
  });
  if (!row || row.revokedAt) return { ok: false, message: UNKNOWN_TOKEN };
  if (row.expiresAt && row.expiresAt <= now) return { ok: false, message: `This API token expired at ${row.expiresAt.toISOString()}. Create a new token under Team → API tokens.` };
  const creator = await prisma.membership.findFirst({ where: { teamId: row.teamId, userId: row.createdByUserId }, select: { role: true } });
  if (!creator) return { ok: false, message: "The person who created this API token is no longer a member of the team, so the token no longer works. Ask a team admin for a new token." };
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await prisma.apiToken.updateMany({ where: { id: row.id, teamId: row.teamId }, data: { lastUsedAt: now } });
  }
  return {
    ok: true,
    principal: {
      team: row.team,
      role: roleAtLeast(creator.role, row.role) ? row.role : creator.role,
      token: { id: row.id, name: row.name, role: row.role, expiresAt: row.expiresAt },
      createdByUserId: row.createdByUserId,
      actor: { tokenId: row.id, tokenName: row.name },
    },
  };
}
