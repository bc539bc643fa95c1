// Which registries the proxy uses only after the Test's negative check (a
// token for a stranger subject refused): IAM roles and keyless federations.
// What the check is recorded for is the role ARN, or the provider's
// federation target; a change of it needs a new pass. Pure.
import { PROVIDERS, type RegistryProvider } from "@/lib/registries/providers";
import { federationSettingsOf, type RegistrySettings } from "@/lib/registries/settings";

export function requiresNegativeCheck(authType: string): boolean {
  return authType === "iam_role" || authType === "federated";
}

/** The current target of the registry's negative check; null when it cannot have one (incomplete settings). */
export function negativeCheckTargetOf(registry: { provider: string; hostname: string; authType: string; settings: RegistrySettings }): string | null {
  if (registry.authType === "iam_role") return registry.settings.roleArn ?? null;
  if (registry.authType !== "federated") return null;
  const federation = PROVIDERS[registry.provider as RegistryProvider]?.federation;
  return federation?.checkTarget({ hostname: registry.hostname, settings: federationSettingsOf(registry.settings) }) ?? null;
}
