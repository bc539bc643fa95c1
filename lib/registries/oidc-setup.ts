import "server-only";
import { getOidcProviderInfo, type OidcProviderInfo, thumbprintValue } from "@/lib/oidc/provider-info";
import type { OidcSetupValues } from "@/lib/registries/setup-guide";

/** The issuer's values for the AWS OIDC panel, and the subset the setup guide fills in. */
export async function getRegistryOidcSetup(teamPublicId: string): Promise<{ provider: OidcProviderInfo; oidc: OidcSetupValues }> {
  const provider = await getOidcProviderInfo();
  const thumbprint = thumbprintValue(provider.thumbprint);
  return { provider, oidc: { issuerUrl: provider.issuerUrl, subject: teamPublicId, thumbprint } };
}
