// Azure keyless: a federated identity credential on an app registration (or
// a user-assigned managed identity) that trusts the portal's issuer for the
// team's subject and the audience api://AzureADTokenExchange, and the AcrPull
// role on the registry; on a registry with ABAC repository permissions (which
// does not honour AcrPull), Container Registry Repository Reader, optionally
// with a condition naming the repositories. The setup is shown at once, as
// commands that paste and as Terraform JSON; the diagnoses name Entra ID's
// AADSTS codes and ACR's roles. Pure.
import { formatJson, localEndpoint } from "@/lib/registries/providers/federated";
import type { FederationSetupValues, ProviderFederation } from "@/lib/registries/providers/types";

/** The audience Entra ID expects of an external token (workload identity federation). */
export const AZURE_FEDERATION_AUDIENCE = "api://AzureADTokenExchange";

const DOCS_NAME = "portal-pull";

export const ACR_PULL_ROLE = "AcrPull";
/** The role ABAC registries honour for pulls (AcrPull is ignored there). */
export const REPOSITORY_READER_ROLE = "Container Registry Repository Reader";
/** An OCI repository name (the distribution spec's, lower case). */
export const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const READ_ACTIONS = ["Microsoft.ContainerRegistry/registries/repositories/content/read", "Microsoft.ContainerRegistry/registries/repositories/metadata/read"];

/** "acme/app, acme/tool" → ["acme/app", "acme/tool"]. */
export function parseAbacRepositories(list: string | undefined): string[] {
  return [...new Set((list ?? "").split(/[\s,]+/).filter(Boolean))];
}

/**
 * The ABAC condition ACR documents for repository-scoped roles: the read
 * actions are allowed only where the repository's name is one of these.
 * Null for every repository (no condition).
 */
export function abacRepositoryCondition(repositories: string[]): string | null {
  if (repositories.length === 0) return null;
  const excluded = READ_ACTIONS.map((action) => `!(ActionMatches{'${action}'})`).join(" AND ");
  const names = repositories.map((repository) => `@Resource[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase '${repository}'`).join(" OR ");
  return `((${excluded}) OR (${names}))`;
}

/** The role the identity needs on this registry, and the condition (ABAC with repositories). */
export function pullRoleOf(settings: { acrPermissionsMode?: string | undefined; abacRepositories?: string | undefined }): { role: string; condition: string | null } {
  if (settings.acrPermissionsMode !== "abac") return { role: ACR_PULL_ROLE, condition: null };
  return { role: REPOSITORY_READER_ROLE, condition: abacRepositoryCondition(parseAbacRepositories(settings.abacRepositories)) };
}

/** `az role assignment create` for the pull role; shell-quoted, so it pastes into sh, bash and zsh. */
export function roleAssignmentCommand(clientId: string, registry: string, settings: Parameters<typeof pullRoleOf>[0]): string {
  const { role, condition } = pullRoleOf(settings);
  const scope = `--scope $(az acr show --name ${registry} --query id --output tsv)`;
  const head = `az role assignment create --assignee ${clientId} --role ${role === ACR_PULL_ROLE ? role : shellQuote(role)}`;
  return condition ? `${head} \\\n  ${scope} \\\n  --condition ${shellQuote(condition)} --condition-version 2.0` : `${head} \\\n  ${scope}`;
}

/** The federated credential's name: 3–120 characters of letters, digits, - and _ (Entra's rule), per team. */
export function federatedCredentialName(subject: string): string {
  return `portal-${subject}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 120);
}

/** The federated credential as `az ad app federated-credential create --parameters` takes it. */
export function federatedCredentialParameters(values: Pick<FederationSetupValues, "issuerUrl" | "subject">): Record<string, unknown> {
  return {
    name: federatedCredentialName(values.subject),
    issuer: values.issuerUrl,
    subject: values.subject,
    audiences: [AZURE_FEDERATION_AUDIENCE],
    description: "Registry portal: pulls for this team only (its subject). No secret is stored anywhere.",
  };
}

function registryName(hostname: string): string {
  return hostname.split(".")[0] || "<registry>";
}

/** Shell-quoted for sh/bash: single quotes, with ' written as '\''. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function setupGuide(values: FederationSetupValues) {
  const clientId = values.settings.clientId || "<client ID>";
  const registry = registryName(values.hostname);
  const entraLocal = localEndpoint(values.localEndpoints, "login.microsoftonline.com");
  const armLocal = localEndpoint(values.localEndpoints, "management.azure.com");
  const steps = [];
  if (entraLocal) {
    steps.push({
      title: "Local mode: point the Azure CLI at the stand-in",
      body: "This portal talks to a local Azure stand-in, so the commands below go there too (az cloud register with the stand-in's endpoints).",
      command: [
        "az cloud register --name PortalLocal \\",
        `  --endpoint-active-directory ${entraLocal} \\`,
        `  --endpoint-resource-manager ${armLocal ?? entraLocal} \\`,
        `  --endpoint-active-directory-resource-id ${armLocal ?? entraLocal}/ \\`,
        "  --suffix-acr-login-server-endpoint .azurecr.io",
        "az cloud set --name PortalLocal",
      ].join("\n"),
    });
  }
  steps.push(
    {
      title: "Create an app registration (or use an existing one)",
      body: "Its Application (client) ID goes in the Client ID field, the tenant's Directory ID in Tenant ID. No client secret is created: the portal signs in with its own token.",
      command: `az ad app create --display-name ${DOCS_NAME} --query appId --output tsv\naz ad sp create --id <client ID>`,
    },
    {
      title: "Trust the portal's token for your team only",
      body: `A federated identity credential with the portal's issuer, your team's subject (${values.subject}) and the audience ${AZURE_FEDERATION_AUDIENCE}. The subject must be exactly this: a flexible credential with a wildcard would let other teams of this portal sign in as your app.`,
      command: `az ad app federated-credential create --id ${clientId} \\\n  --parameters ${shellQuote(JSON.stringify(federatedCredentialParameters(values)))}`,
    },
    pullRoleStep(values.settings, clientId, registry),
    {
      title: "Or: a user-assigned managed identity instead of an app",
      body: `The same trust on a managed identity; its client ID goes in the Client ID field, and ${pullRoleOf(values.settings).role} is assigned to it as above.`,
      command: `az identity federated-credential create --name ${federatedCredentialName(values.subject)} \\\n  --identity-name ${DOCS_NAME} --resource-group <resource group> \\\n  --issuer ${values.issuerUrl} --subject ${values.subject} \\\n  --audiences ${AZURE_FEDERATION_AUDIENCE}`,
    },
  );
  return {
    steps,
    minimumPermission:
      values.settings.acrPermissionsMode === "abac"
        ? `${REPOSITORY_READER_ROLE} on the registry${parseAbacRepositories(values.settings.abacRepositories).length > 0 ? ` (its condition naming ${parseAbacRepositories(values.settings.abacRepositories).join(", ")})` : ""}, for the app or managed identity with the federated credential.`
        : "AcrPull on the registry (or Container Registry Repository Reader on ABAC registries), for the app or managed identity with the federated credential.",
    pullScope: `repository:${values.repository ?? "<repository>"}:pull`,
    artefacts: [
      {
        title: "Terraform (JSON)",
        fileName: "portal-keyless-azure.tf.json",
        text: formatJson(terraform(values, registry)),
        description: `The same federated credential and ${pullRoleOf(values.settings).role} assignment with the azuread and azurerm providers: save as portal-keyless-azure.tf.json, set resource_group_name, then terraform init and terraform apply.`,
      },
    ],
  };
}

function terraform(values: FederationSetupValues, registry: string) {
  const parameters = federatedCredentialParameters(values);
  const role = pullRoleOf(values.settings);
  return {
    variable: {
      client_id: { type: "string", default: values.settings.clientId || "", description: "The app registration's Application (client) ID (the Client ID field)." },
      registry_name: { type: "string", default: registry },
      resource_group_name: { type: "string", description: "The registry's resource group." },
    },
    data: {
      azuread_application: { portal: { client_id: "${var.client_id}" } },
      azuread_service_principal: { portal: { client_id: "${var.client_id}" } },
      azurerm_container_registry: { registry: { name: "${var.registry_name}", resource_group_name: "${var.resource_group_name}" } },
    },
    resource: {
      azuread_application_federated_identity_credential: {
        portal: {
          application_id: "${data.azuread_application.portal.id}",
          display_name: parameters.name,
          description: parameters.description,
          issuer: values.issuerUrl,
          subject: values.subject,
          audiences: [AZURE_FEDERATION_AUDIENCE],
        },
      },
      azurerm_role_assignment: {
        portal_acr_pull: {
          scope: "${data.azurerm_container_registry.registry.id}",
          role_definition_name: role.role,
          principal_id: "${data.azuread_service_principal.portal.object_id}",
          ...(role.condition ? { condition: role.condition, condition_version: "2.0" } : {}),
        },
      },
    },
  };
}

function pullRoleStep(settings: FederationSetupValues["settings"], clientId: string, registry: string) {
  const { role, condition } = pullRoleOf(settings);
  return {
    title: `Let it pull from the registry (${role})`,
    body:
      role === ACR_PULL_ROLE
        ? `AcrPull on the registry lets it pull and nothing else. (A registry whose role assignment permissions mode is RBAC Registry + ABAC Repository Permissions ignores AcrPull: choose that mode above and the command becomes ${REPOSITORY_READER_ROLE}.)`
        : `This registry uses ABAC repository permissions, which do not honour AcrPull: ${REPOSITORY_READER_ROLE} lets it pull ${condition ? "the repositories the condition names" : "every repository"} and nothing else.`,
    command: roleAssignmentCommand(clientId, registry, settings),
  };
}

/**
 * ACR's refusal of a pull after a good sign-in (its token server leaves the
 * scope out and /v2/ answers 401 UNAUTHORIZED "authentication required, visit
 * https://aka.ms/acr/authorization …"): the identity has no pull role here.
 * On an ABAC registry that is also what AcrPull alone gets.
 */
function diagnoseRegistry(refusal: { stage?: string | undefined; httpStatus: number; repository?: string | undefined }, context: { hostname: string; settings: FederationSetupValues["settings"] }) {
  if (refusal.httpStatus !== 401 && refusal.httpStatus !== 403) return null;
  // A 401 from the token server itself is a refused sign-in (the refresh token), not a missing role.
  if (refusal.httpStatus === 401 && refusal.stage === "token") return null;
  const repository = refusal.repository ?? "the repository";
  const clientId = context.settings.clientId || "<client ID>";
  const registry = registryName(context.hostname);
  if (context.settings.acrPermissionsMode === "abac") {
    const named = parseAbacRepositories(context.settings.abacRepositories);
    const outside = refusal.repository !== undefined && named.length > 0 && !named.includes(refusal.repository);
    return {
      summary: outside
        ? `The registry uses ABAC repository permissions and the role assignment's condition does not name ${repository}, so ACR refuses the pull.`
        : `The registry uses ABAC repository permissions: assign ${REPOSITORY_READER_ROLE}. ACR refuses the pull of ${repository} because the identity has no ${REPOSITORY_READER_ROLE} role on it (AcrPull is not honoured on ABAC registries).`,
      fix: outside
        ? `Add ${repository} to the Repositories field, and replace the role assignment with one whose condition names it (Azure keeps one assignment per role, principal and scope):`
        : `Assign ${REPOSITORY_READER_ROLE} to the app or managed identity:`,
      snippet: outside
        ? `az role assignment delete --assignee ${clientId} --role ${shellQuote(REPOSITORY_READER_ROLE)} \\\n  --scope $(az acr show --name ${registry} --query id --output tsv)\n${roleAssignmentCommand(clientId, registry, { ...context.settings, abacRepositories: [...named, refusal.repository!].join(" ") })}`
        : roleAssignmentCommand(clientId, registry, context.settings),
    };
  }
  return {
    summary: `The identity may not pull ${repository}: ACR found no pull role for it on the registry.`,
    fix: `Assign AcrPull to the app or managed identity. If the registry's role assignment permissions mode (Settings > Properties) is RBAC Registry + ABAC Repository Permissions, AcrPull is not honoured: the registry uses ABAC, so assign ${REPOSITORY_READER_ROLE} instead and choose that mode on this registry.`,
    snippet: roleAssignmentCommand(clientId, registry, context.settings),
  };
}

/** Entra ID's AADSTS codes for a federated sign-in, as Microsoft documents them. */
function diagnoseExchange(refusal: { stage?: string | undefined; httpStatus: number; code?: string | undefined; message?: string | undefined }, context: { hostname: string; subject: string }) {
  if (refusal.stage === "exchange") {
    return {
      summary: `The registry ${context.hostname} refused Entra ID's token at /oauth2/exchange (${refusal.httpStatus}).`,
      fix: "Give the app or managed identity the AcrPull role on this registry, and check that the registry belongs to the tenant you entered.",
    };
  }
  const aadsts = /AADSTS(\d+)/.exec(refusal.message ?? "")?.[1];
  switch (aadsts) {
    case "70021":
    case "700213":
      return {
        summary: `Entra ID found no federated credential matching the portal's token (AADSTS${aadsts}): no credential on the app has the subject ${context.subject} with the portal's issuer and the audience ${AZURE_FEDERATION_AUDIENCE}.`,
        fix: `Add the federated credential shown in the setup guide (az ad app federated-credential create), with the subject exactly ${context.subject}, or correct the subject of the existing one.`,
      };
    case "700211":
      return {
        summary: `Entra ID has no federated credential with the portal's issuer on this app (AADSTS700211).`,
        fix: "The credential's Issuer must be the portal's issuer URL exactly as shown in the setup guide (scheme, host, path, no trailing slash).",
      };
    case "700212":
      return {
        summary: `The federated credential's audience is not ${AZURE_FEDERATION_AUDIENCE} (AADSTS700212).`,
        fix: `Set the credential's Audience to ${AZURE_FEDERATION_AUDIENCE} (the default for workload identity federation), as in the setup guide.`,
      };
    case "700016":
      return { summary: "Entra ID has no application with this client ID in the tenant (AADSTS700016).", fix: "Check the Client ID (the app's or managed identity's) and the Tenant ID: the app must be registered in that tenant." };
    case "90002":
    case "900023":
      return { summary: `Entra ID does not know the tenant (AADSTS${aadsts}).`, fix: "Enter the Directory (tenant) ID from Microsoft Entra ID > Overview." };
    case "50027":
      return { summary: "Entra ID found the portal's token invalid or malformed (AADSTS50027).", fix: "This points at the portal's issuer: ask the portal's operator to check its signing keys (Team > Identity provider)." };
    case "700024":
      return { summary: "Entra ID says the portal's token is outside its valid time range (AADSTS700024).", fix: "The portal's clock may be off; ask the portal's operator to check the server's time (NTP)." };
    case "50166":
    case "501661":
      return {
        summary: `Entra ID could not fetch the portal's OpenID Connect documents (AADSTS${aadsts}).`,
        fix: "The portal's issuer must be reachable from the internet over HTTPS (its discovery document and JWKS). Ask the portal's operator.",
      };
    case "700027":
      return { summary: "Entra ID could not verify the portal's token's signature against the issuer's published keys (AADSTS700027).", fix: "The portal's keys may have just rotated; test again in a few minutes, or ask the portal's operator." };
    default:
      return null;
  }
}

export const azureFederation: ProviderFederation = {
  audience: () => AZURE_FEDERATION_AUDIENCE,
  checkTarget: ({ settings }) => (settings.tenantId && settings.clientId ? `azure:${settings.tenantId}/${settings.clientId}` : null),
  exchangeTitle: "Exchange the portal's token at Entra ID (federated credential), then at the registry's /oauth2/exchange",
  diagnoseExchange,
  diagnoseRegistry,
  unsafe: ({ stranger, subject }) => ({
    summary: `Unsafe: Entra ID accepted a token for ${stranger}, which is not your team, so any team of this portal could pull with your app.`,
    fix: `A federated credential trusts the portal's issuer without pinning your subject (a flexible credential with a wildcard, or another team's subject). Delete it and keep only the credential with the subject exactly ${subject}, then test again.`,
  }),
  setupGuide,
};
