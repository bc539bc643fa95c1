// Every registry provider, by id. Pure: the form and the server share it.
import { azureProvider } from "@/lib/registries/providers/azure";
import { dockerHubProvider } from "@/lib/registries/providers/docker-hub";
import { ecrProvider } from "@/lib/registries/providers/ecr";
import { genericProvider } from "@/lib/registries/providers/generic";
import { ghcrProvider } from "@/lib/registries/providers/ghcr";
import { gitlabProvider } from "@/lib/registries/providers/gitlab";
import { googleProvider } from "@/lib/registries/providers/google";
import { quayProvider } from "@/lib/registries/providers/quay";
import { FEDERATED_LABEL } from "@/lib/registries/providers/federated";
import { REGISTRY_PROVIDERS, type RegistryAuthType, type RegistryProvider, type RegistryProviderModule } from "@/lib/registries/providers/types";
import type { ParseResult } from "@/lib/parse-result";

export * from "@/lib/registries/providers/types";

export const PROVIDERS: Record<RegistryProvider, RegistryProviderModule> = {
  ecr: ecrProvider,
  "docker-hub": dockerHubProvider,
  ghcr: ghcrProvider,
  quay: quayProvider,
  gitlab: gitlabProvider,
  google: googleProvider,
  azure: azureProvider,
  generic: genericProvider,
};

/** In the picker's order. */
export const PROVIDER_LIST: RegistryProviderModule[] = REGISTRY_PROVIDERS.map((id) => PROVIDERS[id]);

export function getProvider(id: string): RegistryProviderModule | null {
  return (REGISTRY_PROVIDERS as readonly string[]).includes(id) ? PROVIDERS[id as RegistryProvider] : null;
}

/** The provider that unmistakably owns the hostname (quay.io, ghcr.io, *.azurecr.io …), if any. */
export function ownerOfHostname(hostname: string): RegistryProviderModule | null {
  return PROVIDER_LIST.find((provider) => provider.ownsHostname(hostname)) ?? null;
}

/** The provider's hostname rule, and "this is an X registry; pick X" when another provider owns the hostname. */
export function parseProviderHostname(providerId: RegistryProvider, input: string): ParseResult<string> {
  const provider = PROVIDERS[providerId];
  const owner = ownerOfHostname(input.trim().replace(/^https?:\/\//i, "").replace(/\/+$/, ""));
  if (owner && owner.id !== provider.id) return { ok: false, message: `This is ${article(owner.label)} ${owner.label} hostname; pick ${owner.label} as the provider.` };
  return provider.parseHostname(input);
}

export function authTypeSpec(providerId: RegistryProvider, authType: string) {
  return PROVIDERS[providerId].authTypes.find((spec) => spec.id === authType) ?? null;
}

/** Every auth type's label, for lists that show registries of any provider. */
export const AUTH_TYPE_LABEL: Record<RegistryAuthType, string> = {
  access_key: "Access key",
  iam_role: "IAM Authentication",
  ambient: "Portal's own AWS identity",
  basic: "Username and token",
  anonymous: "Anonymous",
  json_key: "Service account key",
  service_principal: "Service principal",
  federated: FEDERATED_LABEL,
};

export const PROVIDER_LABEL = Object.fromEntries(PROVIDER_LIST.map((provider) => [provider.id, provider.label])) as Record<RegistryProvider, string>;

function article(label: string): string {
  return /^[AEIOU]/.test(label) ? "an" : "a";
}
