import type { RegistryView } from "@/lib/registries/service";

/** A stored registry's connection as the edit form starts from it and the API shows it: no secret, only its masked form (key ID, token ends, the JSON key's account). */
const CONNECTION_FIELDS = [
  "id",
  "provider",
  "name",
  "hostname",
  "authType",
  "roleArn",
  "accessKeyIdMasked",
  "username",
  "secretMasked",
  "tenantId",
  "clientId",
  "projectNumber",
  "poolId",
  "providerId",
  "serviceAccount",
  "acrPermissionsMode",
  "abacRepositories",
  "serviceAccountEmail",
  "projectId",
  "privateKeyId",
  "flavor",
  "allApplications",
] as const satisfies readonly (keyof RegistryView)[];

export type RegistryConnection = Pick<RegistryView, (typeof CONNECTION_FIELDS)[number]>;

/** What the edit form starts from: the connection and the applications it serves. */
export type EditableRegistry = RegistryConnection & { applicationIds: string[] };

export function registryConnection(registry: RegistryView): RegistryConnection {
  return Object.fromEntries(CONNECTION_FIELDS.map((field) => [field, registry[field]])) as RegistryConnection;
}

export function editableRegistry(registry: RegistryView): EditableRegistry {
  return { ...registryConnection(registry), applicationIds: registry.applications.map((application) => application.id) };
}
