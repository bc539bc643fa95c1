// The registry bodies as the OpenAPI document shows them: one variant per
// provider (a union discriminated by `provider`), each with only its auth
// types and fields. Documentation: requests are validated with the form's
// schemas (ZCreateRegistryInput, ZUpdateRegistryInput), which accept the
// same bodies and name each field that needs attention.
import { z } from "zod";
import { GENERIC_FLAVORS, PROVIDER_LIST, type CredentialField, type RegistryProviderModule } from "@/lib/registries/providers";

const FIELD_DESCRIPTIONS: Record<CredentialField, string> = {
  accessKeyId: "Access key ID (AKIA…).",
  secretAccessKey: "Secret access key (write-only).",
  roleArn: "IAM Authentication: the role's name or full ARN.",
  roleAccountId: "The role's account when it is not the registry's (a role name only).",
  username: "The username, robot or token name (Quay keyless: the robot account, organisation+name).",
  password: "The password or token (write-only, never returned).",
  jsonKey: "The service account's JSON key file, as text (write-only, never returned).",
  tenantId: "The Entra ID tenant (directory) ID (service principal, or keyless: the tenant of the app or managed identity with the federated credential).",
  clientId: "The application (client) ID (keyless: of the app registration or user-assigned managed identity with the federated credential).",
  clientSecret: "The client secret's value (write-only, never returned).",
  projectNumber: "Google keyless: the project number (digits) of the workload identity pool's project.",
  poolId: "Google keyless: the workload identity pool ID.",
  providerId: "Google keyless: the pool's OIDC provider ID.",
  serviceAccount: "Google keyless, optional: the service account to impersonate (name@project.iam.gserviceaccount.com).",
  acrPermissionsMode:
    'Azure keyless: the registry\'s role assignment permissions mode. "" (default): RBAC Registry Permissions, the identity needs AcrPull. "abac": RBAC Registry + ABAC Repository Permissions, where AcrPull is not honoured and the identity needs Container Registry Repository Reader.',
  abacRepositories: 'Azure keyless with acrPermissionsMode "abac", optional: the repositories the role assignment\'s condition is limited to, separated by spaces or commas (e.g. "acme/app acme/tool"); empty for every repository.',
};

function variant(provider: RegistryProviderModule, extra: z.ZodRawShape) {
  const fields = [...new Set(provider.authTypes.flatMap((spec) => spec.fields.map((field) => field.name)))];
  const authTypes = provider.authTypes.map((spec) => spec.id) as [string, ...string[]];
  return z
    .object({
      provider: z.literal(provider.id),
      name: z.string().meta({ description: "Optional; \"\" for none. Lower-case letters, digits and dashes, unique in the team." }),
      hostname: z.string().meta({ description: `${provider.hostnameHelp} e.g. ${provider.hostnamePlaceholder}` }),
      authType: z.enum(authTypes).meta({ description: provider.authTypes.map((spec) => `${spec.id}: ${spec.hint}`).join(" ") }),
      ...Object.fromEntries(fields.map((field) => [field, z.string().optional().meta({ description: FIELD_DESCRIPTIONS[field] })])),
      ...(provider.id === "ecr" ? { roleAccountId: z.string().optional().meta({ description: FIELD_DESCRIPTIONS.roleAccountId }) } : {}),
      ...(provider.id === "generic" ? { flavor: z.enum(GENERIC_FLAVORS).optional().meta({ description: "Harbor, Nexus, JFrog or other: shapes the setup guide only." }) } : {}),
      allApplications: z.boolean(),
      applicationIds: z.array(z.string()).max(500),
      ...extra,
    })
    .meta({ id: `${pascal(provider.id)}Registry${extra.replaceAccessKey ? "Update" : "Create"}Input`, description: `${provider.label}: ${provider.description}` });
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}

export const ZCreateRegistryBody = z
  .discriminatedUnion("provider", PROVIDER_LIST.map((provider) => variant(provider, {})) as unknown as [z.ZodObject, ...z.ZodObject[]])
  .meta({ id: "CreateRegistryInput", description: "One variant per provider, with its auth types and fields. Secrets are accepted on write and never returned." });

export const ZUpdateRegistryBody = z
  .discriminatedUnion(
    "provider",
    PROVIDER_LIST.map((provider) =>
      variant(provider, {
        replaceAccessKey: z.boolean().meta({ description: "true to replace the stored secret with the one sent; false keeps it (the secret fields are then ignored). A changed provider or auth type, or a changed hostname beyond ECR, needs the secret again." }),
      }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  )
  .meta({ id: "UpdateRegistryInput", description: "Every field of the registry, as on the edit form, one variant per provider." });
