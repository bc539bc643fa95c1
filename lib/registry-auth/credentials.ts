import "server-only";
// From a registry's stored credentials to what its login presents: Basic
// credentials (Google's `_json_key` with the key as password), nothing
// (anonymous), or for an Azure service principal the ACR refresh token its
// Entra ID token is exchanged for.
import type { RegistryCredentials } from "@/lib/registries/credentials";
import { exchangeForAcrRefreshToken, fetchEntraToken } from "@/lib/registry-auth/azure";
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
      return null;
    default:
      throw new Error(`auth type ${credentials.authType} does not use the OCI registry login`);
  }
}

/** The login credential, performing the exchange when the credentials need one. */
export async function obtainLoginCredential(credentials: RegistryCredentials, registry: { hostname: string; baseUrl: string }, endpoints: AuthEndpoints, signal: AbortSignal): Promise<RegistryLoginCredential> {
  const direct = directLoginCredential(credentials);
  if (direct) return direct;
  if (credentials.authType !== "service_principal") throw new Error("unreachable");
  const entraToken = await fetchEntraToken(registry.hostname, credentials, endpoints, signal);
  return exchangeForAcrRefreshToken(registry.hostname, registry.baseUrl, credentials.tenantId, entraToken, endpoints, signal);
}
