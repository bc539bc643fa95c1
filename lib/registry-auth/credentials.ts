import "server-only";
// From a registry's stored credentials to what its login presents: Basic
// credentials (Google's `_json_key` with the key as password), nothing
// (anonymous), or for an Azure service principal the ACR refresh token its
// Entra ID token is exchanged for, or for a keyless registry what its
// federation exchanges the portal's own token for.
import type { RegistryCredentials } from "@/lib/registries/credentials";
import { UserFacingError } from "@/lib/http/result";
import type { TokenPurpose } from "@/lib/oidc/web-identity-token";
import type { RegistryProviderModule } from "@/lib/registries/providers/types";
import { acrRefreshTokenExpiry, exchangeForAcrRefreshToken, fetchEntraToken } from "@/lib/registry-auth/azure";
import { exchangeFederatedToken, keylessProvider } from "@/lib/registry-auth/federation";
import type { RegistryLoginCredential } from "@/lib/registry-auth/client";
import type { AuthEndpoints } from "@/lib/registry-auth/endpoints";

/** The login credential that needs no exchange, or null when there is one (service principal). */
export function directLoginCredential(credentials: RegistryCredentials): RegistryLoginCredential | null {
  switch (credentials.authType) {
    case "basic":
      return { kind: "basic", username: credentials.username, password: credentials.password };
    case "json_key":
      return { kind: "basic", username: "_json_key", password: credentials.jsonKey };
    case "anonymous":
      return { kind: "anonymous" };
    case "service_principal":
    case "federated":
      return null;
    default:
      throw new Error(`auth type ${credentials.authType} does not use the OCI registry login`);
  }
}

/** A credential obtained by an exchange: until when it works, and what the Test shows of it. */
export interface ExchangedLoginCredential {
  credential: RegistryLoginCredential;
  obtainedAt: number;
  expiresAt: number;
  /** Keyless exchanges are renewed at half-life (the proxy's cache). */
  refreshAt?: number;
  requestId?: string;
  detail: string;
  /** Keyless: the claims the portal sent (no signature), shown when the cloud refuses them. */
  sentClaims?: { iss: string; aud: string; sub: string };
}

export interface ExchangeContext {
  hostname: string;
  baseUrl: string;
  provider: RegistryProviderModule;
  teamId: string;
  purpose: TokenPurpose;
}

/** The login credential of a service principal (Entra ID, then ACR) or a keyless federation (the provider's exchange). */
export async function obtainLoginCredential(credentials: RegistryCredentials, context: ExchangeContext, endpoints: AuthEndpoints, signal: AbortSignal): Promise<ExchangedLoginCredential> {
  const obtainedAt = Date.now();
  if (credentials.authType === "service_principal") {
    const entra = await fetchEntraToken(context.hostname, credentials, endpoints, signal);
    const exchanged = await exchangeForAcrRefreshToken(context.hostname, context.baseUrl, credentials.tenantId, entra.accessToken, endpoints, signal);
    const expiresAt = exchanged.kind === "refresh_token" ? acrRefreshTokenExpiry(exchanged.refreshToken, obtainedAt) : obtainedAt + 3_600_000;
    return {
      credential: exchanged,
      obtainedAt,
      expiresAt,
      ...(entra.requestId ? { requestId: entra.requestId } : {}),
      detail: "Entra ID issued a token for the service principal and the registry exchanged it for a refresh token.",
    };
  }
  if (credentials.authType === "federated") {
    const keyless = keylessProvider(context.provider);
    if (!keyless) throw new UserFacingError("invalid_registry", `${context.provider.label} does not offer keyless authentication. Edit the registry and choose another auth type.`);
    const result = await exchangeFederatedToken(keyless, context.teamId, { hostname: context.hostname, baseUrl: context.baseUrl, settings: credentials.settings, endpoints, signal }, context.purpose);
    const { iss, aud, sub } = result.token.claims;
    return {
      credential: result.credential,
      obtainedAt,
      expiresAt: result.expiresAt,
      refreshAt: obtainedAt + (result.expiresAt - obtainedAt) / 2,
      ...(result.requestId ? { requestId: result.requestId } : {}),
      detail: result.detail,
      sentClaims: { iss, aud, sub },
    };
  }
  throw new Error(`auth type ${credentials.authType} needs no exchange`);
}
