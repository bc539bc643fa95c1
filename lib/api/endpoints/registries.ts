import "server-only";
// /registries: the team's external registries, through lib/registries/service.ts
// and the registry form's own schemas (ZCreateRegistryInput, ZUpdateRegistryInput).
// Secrets are accepted on write and never returned.
import { z } from "zod";
import { defineEndpoint, type ResourceVersioning } from "@/lib/api/endpoint";
import { loadRegistryContext, toApiRegistry } from "@/lib/api/endpoints/registry-view";
import { mergePatchOntoInput } from "@/lib/api/merge-patch";
import { mergePatchSchemaOf } from "@/lib/api/merge-patch-schema";
import { ZCreateRegistryBody, ZUpdateRegistryBody } from "@/lib/api/registry-bodies";
import { resourceVersion } from "@/lib/api/resource-version";
import { dataOf, pageOf, ZApiRegistry, ZId, ZPageQuery } from "@/lib/api/schemas";
import { NOT_FOUND, parseInput, UserFacingError } from "@/lib/http/result";
import { EMPTY_CREDENTIAL_FIELDS, storedSignInFields, ZCreateRegistryInput, ZUpdateRegistryInput, type TUpdateRegistryInput } from "@/lib/registries/schema";
import { createRegistry, deleteRegistry, getRegistry, listRegistriesPage, updateRegistry, type RegistryView } from "@/lib/registries/service";

const TAG = "Registries";
const ZRegistryParams = z.object({ registryId: ZId });
const ZRegistryResponse = dataOf(ZApiRegistry, "RegistryResponse");

const ZReplaceCredentialsBody = z
  .object({
    accessKeyId: z.string().max(128).optional(),
    secretAccessKey: z.string().max(128).optional(),
    password: z.string().max(4096).optional(),
    jsonKey: z.string().max(16_384).optional(),
    clientSecret: z.string().max(1024).optional(),
  })
  .meta({
    id: "ReplaceRegistryCredentialsInput",
    description: "The registry's new secret, by its auth type: access_key: accessKeyId and secretAccessKey; basic: password (the token); json_key: jsonKey; service_principal: clientSecret.",
  });
const ZAppAccessBody = z
  .object({ allApplications: z.boolean(), applicationIds: z.array(ZId).max(500) })
  .meta({ id: "RegistryAppAccessInput", description: "Which applications may use the registry: all, or those listed." });

const SECRET_FIELDS_BY_AUTH_TYPE: Partial<Record<RegistryView["authType"], ("accessKeyId" | "secretAccessKey" | "password" | "jsonKey" | "clientSecret")[]>> = {
  access_key: ["accessKeyId", "secretAccessKey"],
  basic: ["password"],
  json_key: ["jsonKey"],
  service_principal: ["clientSecret"],
};

function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The edit form's values for a stored registry, as the page fills them in. */
function formValuesOf(registry: RegistryView): TUpdateRegistryInput {
  return {
    ...EMPTY_CREDENTIAL_FIELDS,
    ...storedSignInFields(registry),
    registryId: registry.id,
    provider: registry.provider,
    name: registry.name ?? "",
    hostname: registry.hostname,
    authType: registry.authType,
    accessKeyId: "",
    secretAccessKey: "",
    roleArn: registry.roleArn ?? "",
    allApplications: registry.allApplications,
    applicationIds: registry.applications.map((application) => application.id),
    replaceAccessKey: false,
  };
}

const REGISTRY_PATCH = mergePatchSchemaOf(
  ZUpdateRegistryBody,
  "RegistryPatch",
  "A JSON merge patch: the fields to change, any provider's. Sending a secret field replaces the stored secret (replaceAccessKey is then implied). A changed provider or auth type, or a changed hostname beyond ECR, needs the secret again, as on the edit form.",
);
const ECR_IAM_EXAMPLE = {
  provider: "ecr",
  name: "prod-ecr",
  hostname: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
  authType: "iam_role",
  roleArn: "arn:aws:iam::123456789012:role/PortalPull",
  allApplications: true,
  applicationIds: [],
};
const SECRET_FIELDS = new Set<string>(Object.values(SECRET_FIELDS_BY_AUTH_TYPE).flat());
/** What a field removed by a patch (null) becomes. */
const REGISTRY_EMPTY_FIELDS = { ...EMPTY_CREDENTIAL_FIELDS, name: "", applicationIds: [] };

/** A test changes what a registry shows without an edit, and so do its applications' names: both are part of its version. */
type VersionedRegistry = { id: string; updatedAt: Date | string; lastTestedAt: Date | string | null; testStatus: string; status: { kind: string }; applications: { id: string; name: string }[] };
const registryVersion = (registry: VersionedRegistry) =>
  resourceVersion({
    id: registry.id,
    updatedAt: registry.updatedAt,
    lastTestedAt: registry.lastTestedAt,
    testStatus: registry.testStatus,
    status: registry.status.kind,
    applications: registry.applications.map((application) => `${application.id}:${application.name}`).join("\n"),
  });
const REGISTRY: ResourceVersioning<{ registryId: string }, { data: VersionedRegistry }> = {
  current: async (teamId, params) => {
    const registry = await getRegistry(teamId, params.registryId);
    return registry && registryVersion(registry);
  },
  ofResult: (result) => registryVersion(result.data),
};

async function existingRegistry(teamId: string, registryId: string): Promise<RegistryView> {
  const registry = await getRegistry(teamId, registryId);
  if (!registry) throw NOT_FOUND();
  return registry;
}

export const listRegistriesEndpoint = defineEndpoint(
  { method: "get", path: "/registries", operationId: "listRegistries", tag: TAG, summary: "List registries", description: "Oldest first, each with its AWS setup.", minimumRole: "VIEWER", what: "list registries", query: ZPageQuery, response: pageOf(ZApiRegistry, "RegistryPage"), errors: ["invalid_input"] },
  async ({ principal, query }) => {
    const [page, context] = await Promise.all([listRegistriesPage(principal.team.id, query), loadRegistryContext(principal.team.publicId)]);
    return { data: page.items.map((registry) => toApiRegistry(registry, context)), nextCursor: page.nextCursor };
  },
);

export const createRegistryEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/registries",
    operationId: "createRegistry",
    tag: TAG,
    summary: "Add a registry",
    description:
      "The registry form's fields for the chosen provider. Amazon ECR with IAM Authentication: authType iam_role with roleArn; the response carries the trust policy, permissions policy and AWS CLI commands to apply. Other providers: their credential (username and password or token, a Google JSON key, an Azure service principal), never returned; the response carries the provider's setup guide.",
    minimumRole: "MEMBER",
    what: "add registries",
    body: ZCreateRegistryBody,
    bodyExample: ECR_IAM_EXAMPLE,
    validateBody: false,
    response: ZRegistryResponse,
    successStatus: 201,
    errors: ["invalid_input", "name_taken"],
    resource: REGISTRY,
  },
  async ({ principal, rawBody }) => {
    const registry = await createRegistry(principal.team.id, principal.actor, parseInput(ZCreateRegistryInput, rawBody));
    return { data: toApiRegistry(registry, await loadRegistryContext(principal.team.publicId)) };
  },
);

export const getRegistryEndpoint = defineEndpoint(
  { method: "get", path: "/registries/{registryId}", operationId: "getRegistry", tag: TAG, summary: "Get a registry", description: "With its test status and its AWS setup (trust policy, permissions policy, CLI commands).", minimumRole: "VIEWER", what: "read registries", params: ZRegistryParams, response: ZRegistryResponse, errors: ["not_found"], resource: REGISTRY },
  async ({ principal, params }) => {
    const [registry, context] = await Promise.all([existingRegistry(principal.team.id, params.registryId), loadRegistryContext(principal.team.publicId)]);
    return { data: toApiRegistry(registry, context) };
  },
);

export const updateRegistryEndpoint = defineEndpoint(
  {
    method: "put",
    path: "/registries/{registryId}",
    operationId: "updateRegistry",
    tag: TAG,
    summary: "Change a registry",
    description: "Replaces its settings, as the edit form saves them. A changed hostname, auth type, role or key resets its test status to never.",
    minimumRole: "MEMBER",
    what: "edit registries",
    params: ZRegistryParams,
    body: ZUpdateRegistryBody,
    bodyExample: { ...ECR_IAM_EXAMPLE, replaceAccessKey: false },
    validateBody: false,
    response: ZRegistryResponse,
    errors: ["invalid_input", "not_found", "name_taken"],
    resource: REGISTRY,
  },
  async ({ principal, params, rawBody, ifUnchangedSince }) => {
    const input = parseInput(ZUpdateRegistryInput, { ...asObject(rawBody), registryId: params.registryId });
    const registry = await updateRegistry(principal.team.id, principal.actor, input, { ifUnchangedSince });
    return { data: toApiRegistry(registry, await loadRegistryContext(principal.team.publicId)) };
  },
);

export const patchRegistryEndpoint = defineEndpoint(
  {
    method: "patch",
    path: "/registries/{registryId}",
    operationId: "patchRegistry",
    tag: TAG,
    summary: "Change some of a registry's settings",
    description:
      "A JSON merge patch (application/merge-patch+json): only the fields named change, checked with the same rules as the edit form. The stored secret is kept unless the patch sends a new one; a changed provider or auth type, or a changed hostname beyond ECR, needs the secret again. A changed connection resets its test status to never.",
    minimumRole: "MEMBER",
    what: "edit registries",
    params: ZRegistryParams,
    body: REGISTRY_PATCH.schema,
    bodyExample: { name: "prod-ecr-eu" },
    validateBody: false,
    response: ZRegistryResponse,
    errors: ["invalid_input", "not_found", "name_taken"],
    resource: REGISTRY,
  },
  async ({ principal, params, rawBody, ifUnchangedSince }) => {
    const existing = await existingRegistry(principal.team.id, params.registryId);
    const merged = mergePatchOntoInput(formValuesOf(existing), rawBody, REGISTRY_PATCH.fields, REGISTRY_EMPTY_FIELDS);
    const patch = asObject(rawBody);
    const sendsSecret = Object.entries(patch).some(([field, value]) => SECRET_FIELDS.has(field) && typeof value === "string" && value !== "");
    const replaceAccessKey = "replaceAccessKey" in patch ? merged.replaceAccessKey : sendsSecret;
    const input = parseInput(ZUpdateRegistryInput, { ...merged, replaceAccessKey, registryId: existing.id });
    const registry = await updateRegistry(principal.team.id, principal.actor, input, { ifUnchangedSince });
    return { data: toApiRegistry(registry, await loadRegistryContext(principal.team.publicId)) };
  },
);

export const replaceRegistryCredentialsEndpoint = defineEndpoint(
  {
    method: "put",
    path: "/registries/{registryId}/credentials",
    operationId: "replaceRegistryCredentials",
    tag: TAG,
    summary: "Replace a registry's secret",
    description: "Rotate the access key, token, JSON key or client secret (e.g. from CI), keeping every other setting. The test status is reset to never; run a test afterwards.",
    minimumRole: "MEMBER",
    what: "replace registry credentials",
    params: ZRegistryParams,
    body: ZReplaceCredentialsBody,
    bodyExample: { password: "ghp_ExampleTokenValue000000000000000000000" },
    response: ZRegistryResponse,
    errors: ["invalid_input", "not_found", "invalid_registry"],
    resource: REGISTRY,
  },
  async ({ principal, params, body, ifUnchangedSince }) => {
    const existing = await existingRegistry(principal.team.id, params.registryId);
    if (!SECRET_FIELDS_BY_AUTH_TYPE[existing.authType]) {
      throw new UserFacingError("invalid_registry", "This registry stores no secret (IAM Authentication, the portal's identity or anonymous access), so there is none to replace. To switch it to another authentication, PUT the registry with its new authType and replaceAccessKey true.");
    }
    const secret = Object.fromEntries(SECRET_FIELDS_BY_AUTH_TYPE[existing.authType]!.map((field) => [field, body[field] ?? ""]));
    const input = parseInput(ZUpdateRegistryInput, { ...formValuesOf(existing), ...secret, replaceAccessKey: true });
    const registry = await updateRegistry(principal.team.id, principal.actor, input, { ifUnchangedSince });
    return { data: toApiRegistry(registry, await loadRegistryContext(principal.team.publicId)) };
  },
);

export const setRegistryAppAccessEndpoint = defineEndpoint(
  {
    method: "put",
    path: "/registries/{registryId}/app-access",
    operationId: "setRegistryAppAccess",
    tag: TAG,
    summary: "Set which applications may use a registry",
    minimumRole: "MEMBER",
    what: "edit registries",
    params: ZRegistryParams,
    body: ZAppAccessBody,
    bodyExample: { allApplications: false, applicationIds: ["cmapp0shop0000000000000001"] },
    response: ZRegistryResponse,
    errors: ["invalid_input", "not_found"],
    resource: REGISTRY,
  },
  async ({ principal, params, body, ifUnchangedSince }) => {
    const existing = await existingRegistry(principal.team.id, params.registryId);
    const input = parseInput(ZUpdateRegistryInput, { ...formValuesOf(existing), allApplications: body.allApplications, applicationIds: body.applicationIds });
    const registry = await updateRegistry(principal.team.id, principal.actor, input, { ifUnchangedSince });
    return { data: toApiRegistry(registry, await loadRegistryContext(principal.team.publicId)) };
  },
);

export const deleteRegistryEndpoint = defineEndpoint(
  { method: "delete", path: "/registries/{registryId}", operationId: "deleteRegistry", tag: TAG, summary: "Remove a registry", minimumRole: "MEMBER", what: "delete registries", params: ZRegistryParams, errors: ["not_found"], resource: REGISTRY },
  async ({ principal, params, ifUnchangedSince }) => {
    await deleteRegistry(principal.team.id, principal.actor, params.registryId, { ifUnchangedSince });
  },
);
