import "server-only";
import { isLoopbackUrl, localAwsEndpoints, type LocalEndpoints } from "@/lib/aws/local-endpoints";
import { getEnv } from "@/lib/env";
import { getOidcProviderInfo, type OidcProviderInfo, thumbprintValue } from "@/lib/oidc/provider-info";
import type { OidcSetupValues } from "@/lib/registries/setup-guide";

/**
 * The issuer's values for the AWS OIDC panel, and the subset the setup guide
 * fills in; `local` when the portal talks to a local AWS (docs/local-mode.md).
 */
export async function getRegistryOidcSetup(teamPublicId: string): Promise<{ provider: OidcProviderInfo; oidc: OidcSetupValues; local: LocalEndpoints | null }> {
  const provider = await getOidcProviderInfo();
  const thumbprint = thumbprintValue(provider.thumbprint);
  const env = getEnv();
  const local = localAwsEndpoints(env);
  return {
    provider,
    local,
    oidc: {
      issuerUrl: provider.issuerUrl,
      subject: teamPublicId,
      thumbprint,
      localEndpoints: local,
      cloudFormationTemplateUrl: env.CLOUDFORMATION_TEMPLATE_URL ?? null,
      keylessLocalEndpoints: keylessLocalEndpoints([...env.REGISTRY_ENDPOINT_OVERRIDES, ...env.AUTH_ENDPOINT_OVERRIDES]),
    },
  };
}

/**
 * Local mode for the keyless guides: the real hosts (registries, Entra ID…)
 * the operator pointed at this machine, by host, so the commands the page
 * shows carry the stand-ins' endpoints. Wildcard and non-loopback overrides
 * (a VPC endpoint, a mirror) are left out: the commands then name the real
 * services.
 */
function keylessLocalEndpoints(overrides: { hostname: string; baseUrl: string }[]): Record<string, string> {
  const local: Record<string, string> = {};
  for (const override of overrides) {
    if (override.hostname === "*" || override.baseUrl.includes("{hostname}") || !isLoopbackUrl(override.baseUrl)) continue;
    local[override.hostname] ??= override.baseUrl.replace(/\/+$/, "");
  }
  return local;
}
