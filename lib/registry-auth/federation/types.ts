import "server-only";
// The server half of a provider's keyless federation: the exchange of the
// portal's token (already signed for the provider's audience) for what the
// registry login presents. The pure half (audience, setup guide, diagnoses)
// is the provider module's `federation`. See docs/providers.md.
import type { FederationSettings } from "@/lib/registries/providers/types";
import type { RegistryLoginCredential } from "@/lib/registry-auth/client";
import type { AuthEndpoints } from "@/lib/registry-auth/endpoints";

export interface FederationExchangeInput {
  /** The portal's token: RS256, `sub` the team's public ID (or a stranger's, for the negative check), `aud` the provider's audience. */
  token: string;
  /** The registry's validated hostname, as stored. */
  hostname: string;
  /** Where the registry's API answers (https://<host> or its override). */
  baseUrl: string;
  settings: FederationSettings;
  endpoints: AuthEndpoints;
  signal: AbortSignal;
}

export interface FederationExchangeResult {
  credential: RegistryLoginCredential;
  /** When the credential stops working (ms since the epoch); the proxy renews it at half that lifetime. */
  expiresAt: number;
  /** The cloud's request ID for the exchange, shown with the Test's step. */
  requestId?: string;
  /** What the exchange obtained, for the Test's step (never the credential). */
  detail: string;
}

/**
 * Throws RegistryAuthError (stage "entra", "exchange" or "federation") with
 * the cloud's status, code and message unchanged when the cloud refuses, and
 * RegistryProtocolError for an answer the protocol does not allow.
 */
export interface FederationExchange {
  exchange(input: FederationExchangeInput): Promise<FederationExchangeResult>;
}
