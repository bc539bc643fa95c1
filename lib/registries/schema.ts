// The inputs of the registry pages, shared by the form (zodResolver) and the
// server actions (parseInput). Pure: runs in the browser and on the server.
//
// A registry is a provider (lib/registries/providers) plus an auth type, both
// plain strings in the database, provider-specific non-secret settings as
// JSON and one encrypted secret. The input is flat: every provider's
// credential fields are here, empty unless the provider uses them, and the
// provider module checks its own (hostname rule, credential shapes).
import { z } from "zod";
import { GENERIC_FLAVORS, parseProviderHostname, PROVIDER_LABEL, PROVIDERS, REGISTRY_AUTH_TYPES, REGISTRY_PROVIDERS, type RegistryProvider } from "@/lib/registries/providers";
import { ACCESS_KEY_ID_PATTERN, ECR_MESSAGES, SECRET_ACCESS_KEY_PATTERN } from "@/lib/registries/providers/ecr";
import { JSON_KEY_MAX } from "@/lib/registries/providers/google";
import { ACR_PERMISSIONS_MODES } from "@/lib/registries/providers/types";
import { cleanHostnameInput } from "@/lib/registries/hostname-input";

export { AUTH_TYPE_LABEL, PROVIDER_LABEL, REGISTRY_AUTH_TYPES, REGISTRY_PROVIDERS, type RegistryAuthType, type RegistryProvider } from "@/lib/registries/providers";
export { ACCESS_KEY_ID_PATTERN, SECRET_ACCESS_KEY_PATTERN };

export const REGISTRY_NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const MESSAGES = {
  name: "Name may use lower-case letters, digits and single dashes between them (e.g. prod-ecr), at most 63 characters; or leave it empty.",
  accessKeyId: ECR_MESSAGES.accessKeyId,
  secretAccessKey: ECR_MESSAGES.secretAccessKey,
  applicationIds: "Choose at least one application, or give all applications access.",
} as const;

/** A credential field: empty unless the chosen provider and auth type use it. */
const credentialField = (max: number, message: string) => z.string().max(max, { error: message });

const ZRegistryFields = z.object({
  provider: z.enum(REGISTRY_PROVIDERS, { error: `Choose a provider: ${Object.values(PROVIDER_LABEL).join(", ")}.` }),
  /** Optional; "" means none. Unique per team; used later in proxy paths. */
  name: z
    .string()
    .trim()
    .max(63, { error: MESSAGES.name })
    .refine((value) => value === "" || REGISTRY_NAME_PATTERN.test(value), { error: MESSAGES.name }),
  /** A pasted URL or image reference is cleaned to its hostname (lib/registries/hostname-input). */
  hostname: z
    .string()
    .max(300, { error: "That is too long for a hostname. Enter the registry's hostname, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com or registry.example.com." })
    .transform((value) => cleanHostnameInput(value).hostname),
  authType: z.enum(REGISTRY_AUTH_TYPES, { error: "Choose how the portal authenticates: keyless (the portal's identity), access key or IAM Authentication (Amazon ECR), username and token, service account key, service principal, or anonymous." }),
  accessKeyId: z.string().trim().max(128, { error: MESSAGES.accessKeyId }),
  secretAccessKey: z.string().trim().max(128, { error: MESSAGES.secretAccessKey }),
  /** IAM Authentication: the role's name (e.g. PortalEcrPull, in roleAccountId or the registry's account) or its full ARN. */
  roleArn: z.string().trim().max(2048, { error: "That is too long for a role ARN. Role ARN must look like arn:aws:iam::123456789012:role/Name." }),
  /** The role's account when it is not the registry's ("" or absent: the registry's). Ignored for a full ARN. */
  roleAccountId: z.string().trim().max(64, { error: "The role's account ID must be exactly 12 digits, e.g. 123456789012." }).optional(),
  /** Basic auth (Docker Hub, GHCR, Quay, GitLab, ACR token, Harbor/Nexus/JFrog/Other): the user, robot or token name. */
  username: credentialField(256, "The username is too long (256 characters at most)."),
  /** Basic auth: the password or token (write-only). */
  password: credentialField(4096, "The password or token is too long (4096 characters at most)."),
  /** Google: the service account's JSON key (write-only). */
  jsonKey: credentialField(JSON_KEY_MAX, `That is too long for a service account key (${JSON_KEY_MAX} characters at most).`),
  /** Azure service principal: tenant and application (client) ID, and its secret (write-only). */
  tenantId: credentialField(256, "The tenant ID is too long."),
  clientId: credentialField(64, "The client ID is too long."),
  clientSecret: credentialField(1024, "The client secret is too long (1024 characters at most)."),
  /** Google keyless (Workload Identity Federation): the project number, pool and provider IDs, and optionally a service account to impersonate. */
  projectNumber: credentialField(32, "The project number is too long."),
  poolId: credentialField(64, "The pool ID is too long (32 characters at most)."),
  providerId: credentialField(64, "The provider ID is too long (32 characters at most)."),
  serviceAccount: credentialField(256, "The service account is too long."),
  /** Azure: "abac" when the registry uses RBAC Registry + ABAC Repository Permissions (the role becomes Container Registry Repository Reader). */
  acrPermissionsMode: z.enum(ACR_PERMISSIONS_MODES, { error: 'The permissions mode is "" (RBAC registry permissions, AcrPull) or "abac" (RBAC Registry + ABAC Repository Permissions).' }),
  /** Azure ABAC, optional: the repositories the role assignment is limited to, separated by spaces or commas. */
  abacRepositories: credentialField(2000, "The repository list is too long (2000 characters at most)."),
  /** Harbor, Nexus, JFrog or other OCI registry: shapes the setup guide only. */
  flavor: z.enum(GENERIC_FLAVORS, { error: "Choose Harbor, Nexus, JFrog or Other." }),
  allApplications: z.boolean({ error: "Choose which applications may use this registry." }),
  applicationIds: z.array(z.string().min(1).max(64)).max(500),
});

type RegistryFields = z.infer<typeof ZRegistryFields>;

/**
 * The credential fields a request may leave out (empty when left out). A
 * transform rather than .default(), so the OpenAPI document shows them as
 * optional without a default that client generators would make required.
 */
const orEmpty = <T extends z.ZodType<string>>(schema: T) => schema.optional().transform((value) => value ?? "");
const OPTIONAL_FIELDS = {
  accessKeyId: orEmpty(ZRegistryFields.shape.accessKeyId),
  secretAccessKey: orEmpty(ZRegistryFields.shape.secretAccessKey),
  roleArn: orEmpty(ZRegistryFields.shape.roleArn),
  username: orEmpty(ZRegistryFields.shape.username),
  password: orEmpty(ZRegistryFields.shape.password),
  jsonKey: orEmpty(ZRegistryFields.shape.jsonKey),
  tenantId: orEmpty(ZRegistryFields.shape.tenantId),
  clientId: orEmpty(ZRegistryFields.shape.clientId),
  clientSecret: orEmpty(ZRegistryFields.shape.clientSecret),
  projectNumber: orEmpty(ZRegistryFields.shape.projectNumber),
  poolId: orEmpty(ZRegistryFields.shape.poolId),
  providerId: orEmpty(ZRegistryFields.shape.providerId),
  serviceAccount: orEmpty(ZRegistryFields.shape.serviceAccount),
  acrPermissionsMode: ZRegistryFields.shape.acrPermissionsMode.optional().transform((value) => value ?? ""),
  abacRepositories: orEmpty(ZRegistryFields.shape.abacRepositories),
  flavor: ZRegistryFields.shape.flavor.optional().transform((value) => value ?? "other"),
};

/** The hostname's problem for this provider (including "this belongs to another provider"), or null. */
export function hostnameIssue(provider: RegistryProvider, hostname: string): string | null {
  const parsed = parseProviderHostname(provider, hostname);
  return parsed.ok ? null : parsed.message;
}

/**
 * Cross-field rules, asked of the provider. `needsSecret` is false when an
 * existing registry keeps its stored secret (an edit that does not replace it).
 */
function checkRegistry(value: RegistryFields, ctx: z.RefinementCtx, needsSecret: boolean) {
  const provider = PROVIDERS[value.provider];
  const hostnameProblem = hostnameIssue(value.provider, value.hostname);
  if (hostnameProblem) ctx.addIssue({ code: "custom", path: ["hostname"], message: hostnameProblem });
  if (!provider.authTypes.some((spec) => spec.id === value.authType)) {
    ctx.addIssue({ code: "custom", path: ["authType"], message: `${provider.label} does not use that authentication. Choose ${provider.authTypes.map((spec) => spec.label).join(" or ")}.` });
  } else {
    for (const issue of provider.checkCredentials(value, needsSecret)) ctx.addIssue({ code: "custom", path: [issue.field], message: issue.message });
  }
  if (!value.allApplications && value.applicationIds.length === 0) ctx.addIssue({ code: "custom", path: ["applicationIds"], message: MESSAGES.applicationIds });
}

// Two schemas per input with the same checks and the same output: the
// *Input one for the server (actions, the API; other providers' fields may be
// left out, so a client written for ECR keeps working), the *Form one for the
// form's zodResolver (react-hook-form wants every field present).
// Built from the shape, not with .extend(), so the OpenAPI document does not list the strict fields as required.
export const ZCreateRegistryInput = z.object({ ...ZRegistryFields.shape, ...OPTIONAL_FIELDS }).superRefine((value, ctx) => checkRegistry(value, ctx, true));
export type TCreateRegistryInput = z.infer<typeof ZCreateRegistryInput>;
export const ZCreateRegistryForm = ZRegistryFields.superRefine((value, ctx) => checkRegistry(value, ctx, true));

const ZUpdateFields = {
  registryId: z.string().min(1).max(64),
  /**
   * Replacing the stored secret (access key, password or token, JSON key,
   * client secret) is explicit: without this the secret fields are ignored
   * and the stored secret is kept.
   */
  replaceAccessKey: z.boolean(),
};

export const ZUpdateRegistryInput = z.object({ ...ZRegistryFields.shape, ...OPTIONAL_FIELDS, ...ZUpdateFields }).superRefine((value, ctx) => checkRegistry(value, ctx, value.replaceAccessKey));
export type TUpdateRegistryInput = z.infer<typeof ZUpdateRegistryInput>;
export const ZUpdateRegistryForm = ZRegistryFields.extend(ZUpdateFields).superRefine((value, ctx) => checkRegistry(value, ctx, value.replaceAccessKey));

/** Empty values of every provider's credential fields, for forms and API clients that fill in one provider's. */
export const EMPTY_CREDENTIAL_FIELDS = { accessKeyId: "", secretAccessKey: "", roleArn: "", username: "", password: "", jsonKey: "", tenantId: "", clientId: "", clientSecret: "", projectNumber: "", poolId: "", providerId: "", serviceAccount: "", acrPermissionsMode: "", abacRepositories: "", flavor: "other" } as const;

/** The fields of a stored registry's sign-in that are not secrets, as the edit form (page and API) starts from them. */
export interface StoredSignInFields {
  username?: string | null;
  tenantId?: string | null;
  clientId?: string | null;
  projectNumber?: string | null;
  poolId?: string | null;
  providerId?: string | null;
  serviceAccount?: string | null;
  acrPermissionsMode?: string | null;
  abacRepositories?: string | null;
  flavor?: TUpdateRegistryInput["flavor"] | null;
}

export function storedSignInFields(registry: StoredSignInFields) {
  return {
    username: registry.username ?? "",
    tenantId: registry.tenantId ?? "",
    clientId: registry.clientId ?? "",
    projectNumber: registry.projectNumber ?? "",
    poolId: registry.poolId ?? "",
    providerId: registry.providerId ?? "",
    serviceAccount: registry.serviceAccount ?? "",
    acrPermissionsMode: registry.acrPermissionsMode === "abac" ? ("abac" as const) : ("" as const),
    abacRepositories: registry.abacRepositories ?? "",
    flavor: registry.flavor ?? "other",
  };
}

export const ZDeleteRegistryInput = z.object({ registryId: z.string().min(1).max(64) });
export type TDeleteRegistryInput = z.infer<typeof ZDeleteRegistryInput>;

/** The fields of the registry form, in the order errors are focused. */
export const REGISTRY_FORM_FIELDS = ["provider", "name", "hostname", "authType", "accessKeyId", "secretAccessKey", "roleArn", "roleAccountId", "username", "password", "jsonKey", "tenantId", "clientId", "clientSecret", "projectNumber", "poolId", "providerId", "serviceAccount", "acrPermissionsMode", "abacRepositories", "flavor", "applicationIds"] as const;

/** Test status written by the Test (lib/registry-test); see RegistryStatus in service.ts. */
export const REGISTRY_TEST_STATUSES = ["never", "verified", "failing", "unsafe"] as const;
export type RegistryTestStatus = (typeof REGISTRY_TEST_STATUSES)[number];
