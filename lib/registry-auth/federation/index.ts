import "server-only";
// Keyless federation for every provider that offers it: the portal signs a
// token for the provider's audience (lib/oidc, one signer for every
// audience), the provider's exchange turns it into a registry login, and the
// negative check proves the cloud refuses the same token for a stranger
// subject (at the exchange or at the registry). Used by the Test and the
// proxy alike.
import { mintStrangerToken, mintWebIdentityToken, type MintedToken, type TokenPurpose } from "@/lib/oidc/web-identity-token";
import type { ProviderFederation, RegistryProvider, RegistryProviderModule } from "@/lib/registries/providers/types";
import { authorize, logIn, pullScope, RegistryAuthError, type RegistryLoginCredential } from "@/lib/registry-auth/client";
import { azureFederation } from "@/lib/registry-auth/federation/azure";
import { googleFederationExchange } from "@/lib/registry-auth/federation/google";
import { quayFederation } from "@/lib/registry-auth/federation/quay";
import type { FederationExchange, FederationExchangeInput, FederationExchangeResult } from "@/lib/registry-auth/federation/types";

/** The server half of each provider's `federation`, by provider (providers-federation.test.ts checks both halves exist together). */
export const FEDERATION_EXCHANGES: Partial<Record<RegistryProvider, FederationExchange>> = {
  azure: azureFederation,
  google: googleFederationExchange,
  quay: quayFederation,
};

export interface KeylessProvider {
  module: RegistryProviderModule;
  federation: ProviderFederation;
  exchange: FederationExchange;
}

/** The provider's keyless federation, or null when it offers none. */
export function keylessProvider(module: RegistryProviderModule): KeylessProvider | null {
  const exchange = FEDERATION_EXCHANGES[module.id];
  if (!module.federation || !exchange) return null;
  return { module, federation: module.federation, exchange };
}

export type ExchangeTarget = Omit<FederationExchangeInput, "token">;

/** The portal's token for the team, for the provider's audience. */
export function mintFederationToken(keyless: KeylessProvider, teamId: string, target: Pick<ExchangeTarget, "hostname" | "settings">, purpose: TokenPurpose): Promise<MintedToken> {
  return mintWebIdentityToken({ teamId, purpose, audience: keyless.federation.audience(target) });
}

/** Sign for the team and exchange: the registry login credential, with the cloud's request ID. */
export async function exchangeFederatedToken(keyless: KeylessProvider, teamId: string, target: ExchangeTarget, purpose: TokenPurpose): Promise<FederationExchangeResult & { token: MintedToken }> {
  const token = await mintFederationToken(keyless, teamId, target, purpose);
  return { ...(await keyless.exchange.exchange({ ...target, token: token.token })), token };
}

export type NegativeCheckOutcome =
  /** The cloud refused the stranger: where, and its answer unchanged. */
  | { refused: true; stranger: string; at: "exchange" | "registry"; status: number; code?: string; message?: string; requestId?: string }
  /** The cloud let the stranger in: the federation does not pin the team's subject. */
  | { refused: false; stranger: string; requestId?: string };

/**
 * A token for a fresh random subject (no team's) must be refused where the
 * cloud decides: at the exchange (Entra's federated credential, Quay's robot
 * federation, Google's attribute condition) or, after an exchange that
 * succeeded, at the registry (a binding to the team's principal only). With a
 * repository, its pull scope is asked for; without, a plain login. Anything
 * else (network, 5xx, protocol) throws: the check did not finish.
 */
export async function runNegativeCheck(keyless: KeylessProvider, target: ExchangeTarget, purpose: TokenPurpose, repository?: string): Promise<NegativeCheckOutcome> {
  const stranger = await mintStrangerToken(purpose, keyless.federation.audience(target));
  const subject = stranger.claims.sub;
  let exchanged: FederationExchangeResult;
  try {
    exchanged = await keyless.exchange.exchange({ ...target, token: stranger.token });
  } catch (error) {
    if (isRefusal(error)) return refusedBy("exchange", subject, error);
    throw error;
  }
  try {
    await registryAccepts({ baseUrl: target.baseUrl, credential: exchanged.credential, endpoints: target.endpoints }, target.signal, repository);
  } catch (error) {
    if (isRefusal(error)) return refusedBy("registry", subject, error);
    throw error;
  }
  return { refused: false, stranger: subject, ...(exchanged.requestId ? { requestId: exchanged.requestId } : {}) };
}

async function registryAccepts(target: { baseUrl: string; credential: RegistryLoginCredential; endpoints: ExchangeTarget["endpoints"] }, signal: AbortSignal, repository: string | undefined): Promise<void> {
  const { challenge } = await logIn(target, signal);
  if (!repository) return;
  const granted = await authorize(target, challenge, [pullScope(repository)], signal);
  if (granted.grantedActions && !granted.grantedActions.includes("pull")) throw new RegistryAuthError("token", 403, "insufficient_scope", `the token grants ${granted.grantedActions.join(", ") || "nothing"} on ${repository}, not pull`);
}

/** A 4xx answer: the cloud decided. A 5xx or 429 is no decision. */
function isRefusal(error: unknown): error is RegistryAuthError {
  return error instanceof RegistryAuthError && error.status >= 400 && error.status < 500 && error.status !== 429;
}

function refusedBy(at: "exchange" | "registry", stranger: string, error: RegistryAuthError): NegativeCheckOutcome {
  return {
    refused: true,
    stranger,
    at,
    status: error.status,
    ...(error.code ? { code: error.code } : {}),
    ...(error.registryMessage ? { message: error.registryMessage } : {}),
    ...(error.requestId ? { requestId: error.requestId } : {}),
  };
}
