import "server-only";
import { listRegistries, registryServesApplication } from "@/lib/registries/service";

/** The registries a rule of this application may name, labelled as the vendor knows them. */
export async function ruleRegistryOptions(teamId: string, applicationId: string): Promise<{ id: string; label: string; hostname: string }[]> {
  const registries = await listRegistries(teamId);
  return registries
    .filter((registry) => registryServesApplication(registry, applicationId))
    .map((registry) => ({ id: registry.id, label: registry.name ? `${registry.name} (${registry.hostname})` : registry.hostname, hostname: registry.hostname }));
}
