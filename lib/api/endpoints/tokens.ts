import "server-only";
// /tokens: API tokens, for admins (the same service as Team → API tokens),
// and /token: the token making the request.
import { z } from "zod";
import { defineEndpoint } from "@/lib/api/endpoint";
import { dataOf, ZApiToken, ZId } from "@/lib/api/schemas";
import { ZCreateApiTokenInput } from "@/lib/api-tokens/schema";
import { createApiToken, listApiTokens, revokeApiToken, type ApiTokenView } from "@/lib/api-tokens/service";
import { ZTeamRole } from "@/lib/teams/schema";

const TAG = "API tokens";

const toApi = (token: ApiTokenView) => ({
  ...token,
  createdAt: token.createdAt.toISOString(),
  expiresAt: token.expiresAt?.toISOString() ?? null,
  lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  revokedAt: token.revokedAt?.toISOString() ?? null,
});

export const getCurrentTokenEndpoint = defineEndpoint(
  {
    method: "get",
    path: "/token",
    operationId: "getCurrentToken",
    tag: TAG,
    summary: "Who am I",
    description: "The team this token acts in and the role it has (its own role, capped by its creator's current role).",
    minimumRole: "VIEWER",
    what: "read its own details",
    response: dataOf(
      z.object({
        team: z.object({ id: ZId, publicId: z.string(), name: z.string() }),
        role: ZTeamRole,
        token: z.object({ id: ZId, name: z.string(), role: ZTeamRole, expiresAt: z.iso.datetime().nullable() }),
      }),
      "CurrentTokenResponse",
    ),
  },
  async ({ principal }) => ({
    data: { team: principal.team, role: principal.role, token: { ...principal.token, expiresAt: principal.token.expiresAt?.toISOString() ?? null } },
  }),
);

export const listTokensEndpoint = defineEndpoint(
  { method: "get", path: "/tokens", operationId: "listApiTokens", tag: TAG, summary: "List API tokens", description: "Newest first, revoked and expired ones included. Never the tokens themselves.", minimumRole: "ADMIN", what: "manage API tokens", response: dataOf(z.array(ZApiToken), "ApiTokenList") },
  async ({ principal }) => ({ data: (await listApiTokens(principal.team.id)).map(toApi) }),
);

export const createTokenEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/tokens",
    operationId: "createApiToken",
    tag: TAG,
    summary: "Create an API token",
    description: "The token is in this response only; it is stored as a hash and cannot be shown again. Its role can be at most this token's role.",
    minimumRole: "ADMIN",
    what: "manage API tokens",
    body: ZCreateApiTokenInput.meta({ id: "CreateApiTokenInput" }),
    bodyExample: { name: "ci-deploy", role: "MEMBER", expiresInDays: 90 },
    response: dataOf(z.object({ token: z.string().meta({ description: "rp_…: send as Authorization: Bearer <token>." }), apiToken: ZApiToken }), "CreatedApiTokenResponse"),
    successStatus: 201,
    errors: ["invalid_input"],
  },
  async ({ principal, body }) => {
    const { token, apiToken } = await createApiToken(principal.team.id, { userId: principal.createdByUserId, role: principal.role }, principal.actor, body);
    return { data: { token, apiToken: toApi(apiToken) } };
  },
);

export const revokeTokenEndpoint = defineEndpoint(
  { method: "delete", path: "/tokens/{tokenId}", operationId: "revokeApiToken", tag: TAG, summary: "Revoke an API token", description: "It stops working at once.", minimumRole: "ADMIN", what: "manage API tokens", params: z.object({ tokenId: ZId }), errors: ["not_found"] },
  async ({ principal, params }) => {
    await revokeApiToken(principal.team.id, principal.actor, params.tokenId);
  },
);
