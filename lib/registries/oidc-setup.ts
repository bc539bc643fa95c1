import "server-only";
import { localAwsEndpoints, type LocalEndpoints } from "@/lib/aws/local-endpoints";
import { getEnv } from "@/lib/env";
import { getOidcProviderInfo, type OidcProviderInfo, thumbprintValue } from "@/lib/oidc/provider-info";
import type { OidcSetupValues } from "@/lib/registries/setup-guide";

/**
 * The issuer's values for the AWS OIDC panel, and the subset the setup guide
 * fills in; `local` when the portal talks to a local AWS (README "Try it offline").
 */
export async function getRegistryOidcSetup(teamPublicId: string): Promise<{ provider: OidcProviderInfo; oidc: OidcSetupValues; local: LocalEndpoints | null }> {
  const provider = await getOidcProviderInfo();
  const thumbprint = thumbprintValue(provider.thumbprint);
  const env = getEnv();
  const local = localAwsEndpoints(env);
  return {
    provider,
    local,
    oidc: { issuerUrl: provider.issuerUrl, subject: teamPublicId, thumbprint, localEndpoints: local, cloudFormationTemplateUrl: env.CLOUDFORMATION_TEMPLATE_URL ?? null },
  };
}
