// The API token form's input, shared by the team settings page, its server
// action and POST /api/v1/tokens. Pure: runs in the browser and on the server.
import { z } from "zod";
import { ZTeamRole } from "@/lib/teams/schema";

/** Every token starts with this, so secret scanners and people recognise one. */
export const API_TOKEN_PREFIX = "rp_";
/** rp_ and 43 base64url characters (32 random bytes). */
export const API_TOKEN_PATTERN = /^rp_[A-Za-z0-9_-]{43}$/;

export const API_TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const;
export const MAX_API_TOKEN_DAYS = 3650;

export const ZCreateApiTokenInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, { error: "Enter a name that says where the token is used, e.g. ci-deploy." })
    .max(80, { error: "Token name must be at most 80 characters." }),
  role: ZTeamRole,
  /** Days until the token stops working; null: it never expires. */
  expiresInDays: z
    .number({ error: "Choose when the token expires, or never." })
    .int({ error: "Expiry must be a whole number of days." })
    .min(1, { error: "A token must be valid for at least 1 day." })
    .max(MAX_API_TOKEN_DAYS, { error: `A token can be valid for at most ${MAX_API_TOKEN_DAYS} days; choose never for no expiry.` })
    .nullable(),
});
export type TCreateApiTokenInput = z.infer<typeof ZCreateApiTokenInput>;

export const ZRevokeApiTokenInput = z.object({ tokenId: z.string().min(1).max(64) });
export type TRevokeApiTokenInput = z.infer<typeof ZRevokeApiTokenInput>;

export type ApiTokenStatus = "active" | "expired" | "revoked";
