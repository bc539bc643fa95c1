import "server-only";
// Azure keyless: a federated identity credential on an app registration (or
// a user-assigned managed identity) trusts the portal's issuer for the team's
// subject and the audience api://AzureADTokenExchange. Entra ID takes the
// portal's token as client_assertion in a client-credentials grant; the rest
// is the service principal's path (ACR's /oauth2/exchange, then /oauth2/token).
import { acrRefreshTokenExpiry, exchangeForAcrRefreshToken, fetchEntraToken } from "@/lib/registry-auth/azure";
import { RegistryProtocolError } from "@/lib/registry-auth/client";
import type { FederationExchange } from "@/lib/registry-auth/federation/types";

export const azureFederation: FederationExchange = {
  async exchange({ token, hostname, baseUrl, settings, endpoints, signal }) {
    const { tenantId, clientId } = settings;
    if (!tenantId || !clientId) throw new RegistryProtocolError("the registry has no tenant ID or client ID; edit it");
    const obtainedAt = Date.now();
    const entra = await fetchEntraToken(hostname, { tenantId, clientId, clientAssertion: token }, endpoints, signal);
    const credential = await exchangeForAcrRefreshToken(hostname, baseUrl, tenantId, entra.accessToken, endpoints, signal);
    const expiresAt = credential.kind === "refresh_token" ? acrRefreshTokenExpiry(credential.refreshToken, obtainedAt) : obtainedAt + 3_600_000;
    return {
      credential,
      expiresAt,
      ...(entra.requestId ? { requestId: entra.requestId } : {}),
      detail: `Entra ID accepted the portal's token for app ${clientId} (federated credential) and ${hostname} exchanged its token for a refresh token.`,
    };
  },
};
