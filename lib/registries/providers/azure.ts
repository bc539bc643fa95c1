// Azure Container Registry (<name>.azurecr.io): keyless, a federated
// identity credential that trusts the portal's token (azure-federation.ts);
// a service principal whose Entra ID token is exchanged at the registry's
// /oauth2/exchange for a refresh token; or an ACR token (repository-scoped
// username + password).
import { basicAuthType, checkBasicCredentials } from "@/lib/registries/providers/basic-auth";
import { federatedAuthType } from "@/lib/registries/providers/federated";
import { fail } from "@/lib/registries/providers/hostname";
import { azureFederation, parseAbacRepositories, REPOSITORY_NAME } from "@/lib/registries/providers/azure-federation";
import type { FieldIssue, RegistryProviderModule } from "@/lib/registries/providers/types";

const ACR_HOSTNAME = /^([a-z0-9]{5,50})\.azurecr\.(io|cn|us)$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_DOMAIN = /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/i;

/** The Entra ID login host of the registry's cloud. */
export function entraLoginHost(hostname: string): string {
  if (hostname.endsWith(".azurecr.cn")) return "login.chinacloudapi.cn";
  if (hostname.endsWith(".azurecr.us")) return "login.microsoftonline.us";
  return "login.microsoftonline.com";
}

/** The Entra ID scope of tokens for the registry's data plane. */
export const ACR_ENTRA_SCOPE = "https://containerregistry.azure.net/.default";

/** The repositories of an ABAC condition: only with ABAC, valid repository names, at most 20. */
function checkAbacRepositories(mode: string, list: string): FieldIssue[] {
  const repositories = parseAbacRepositories(list);
  if (repositories.length === 0) return [];
  if (mode !== "abac") return [{ field: "abacRepositories", message: "Repositories limit an ABAC role assignment: choose RBAC Registry + ABAC Repository Permissions, or leave this empty." }];
  if (repositories.length > 20) return [{ field: "abacRepositories", message: "Name at most 20 repositories (or leave this empty for every repository)." }];
  const invalid = repositories.find((repository) => !REPOSITORY_NAME.test(repository));
  return invalid ? [{ field: "abacRepositories", message: `"${invalid.slice(0, 80)}" is not a repository name: lower-case letters, digits, . _ - and / between path parts, e.g. acme/app.` }] : [];
}

export const azureProvider: RegistryProviderModule = {
  id: "azure",
  label: "Azure Container Registry",
  description: "<name>.azurecr.io, keyless (a federated credential), with a service principal (AcrPull) or an ACR token.",
  hostnamePlaceholder: "myregistry.azurecr.io",
  hostnameHelp: "The registry's login server, from the registry's Overview in the Azure portal.",
  authTypes: [
    federatedAuthType({
      hint: "A federated credential on an app registration or managed identity trusts the portal's own token; nothing secret is stored. Needs AcrPull (Container Registry Repository Reader on an ABAC registry).",
      fields: [
        { name: "tenantId", label: "Tenant (directory) ID", help: "From Microsoft Entra ID > Overview, e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47.", placeholder: "00000000-0000-0000-0000-000000000000", secret: false },
        { name: "clientId", label: "Client ID", help: "The Application (client) ID of the app registration, or the client ID of the user-assigned managed identity, with the federated credential.", placeholder: "00000000-0000-0000-0000-000000000000", secret: false },
        {
          name: "acrPermissionsMode",
          label: "Role assignment permissions mode",
          help: "The registry's Settings > Properties in the Azure portal. ABAC registries do not honour AcrPull: the setup then assigns Container Registry Repository Reader.",
          secret: false,
          options: [
            { value: "", label: "RBAC Registry Permissions (AcrPull)" },
            { value: "abac", label: "RBAC Registry + ABAC Repository Permissions" },
          ],
        },
        { name: "abacRepositories", label: "Repositories (ABAC, optional)", help: "Limit the role to these repositories (an ABAC condition), separated by spaces or commas. Empty: every repository of the registry.", placeholder: "acme/app acme/tool", secret: false },
      ],
    }),
    {
      id: "service_principal",
      label: "Service principal",
      hint: "An app registration with the AcrPull role on the registry; the portal signs in to Entra ID with its client secret.",
      fields: [
        { name: "tenantId", label: "Tenant (directory) ID", help: "From Microsoft Entra ID > Overview, e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47.", placeholder: "00000000-0000-0000-0000-000000000000", secret: false },
        { name: "clientId", label: "Application (client) ID", help: "From App registrations > the app > Overview.", placeholder: "00000000-0000-0000-0000-000000000000", secret: false },
        { name: "clientSecret", label: "Client secret", help: "The secret's Value (not its ID), from Certificates & secrets. Shown once by Azure.", secret: true },
      ],
    },
    basicAuthType({
      label: "ACR token",
      hint: "A repository-scoped ACR token (Repository permissions > Tokens) with the _repositories_pull scope map, or the admin user.",
      usernameLabel: "Token name",
      usernameHelp: "The ACR token's name (its username).",
      usernamePlaceholder: "portal-pull",
      passwordLabel: "Token password",
      passwordHelp: "password1 or password2, generated under the token's page.",
    }),
  ],
  ownsHostname: (hostname) => /\.azurecr\.(io|cn|us)$/.test(hostname.trim().toLowerCase()),
  parseHostname: (input) => {
    const value = input.trim().toLowerCase().replace(/^https:\/\//, "").replace(/\/+$/, "");
    if (ACR_HOSTNAME.test(value)) return { ok: true, value };
    if (/\.azurecr\.(io|cn|us)$/.test(value)) return fail("The registry name before .azurecr.io is 5 to 50 letters and digits (no dashes or dots), e.g. myregistry.azurecr.io.");
    return fail("Enter the registry's login server, like myregistry.azurecr.io.");
  },
  apiHostname: (hostname) => hostname,
  checkCredentials(values, needsSecret) {
    if (values.authType === "basic") return checkBasicCredentials(values, needsSecret, { username: "token name", password: "token password" });
    const issues: FieldIssue[] = [];
    const tenant = values.tenantId.trim();
    if (!GUID.test(tenant) && !TENANT_DOMAIN.test(tenant)) issues.push({ field: "tenantId", message: "Enter the tenant (directory) ID, a GUID like 72f988bf-86f1-41af-91ab-2d7cd011db47 (or the tenant's domain, e.g. contoso.onmicrosoft.com)." });
    if (!GUID.test(values.clientId.trim())) issues.push({ field: "clientId", message: "Enter the application (client) ID, a GUID like 00000000-0000-0000-0000-000000000000, from App registrations > the app > Overview." });
    if (values.authType === "federated") issues.push(...checkAbacRepositories(values.acrPermissionsMode ?? "", values.abacRepositories ?? ""));
    if (needsSecret && values.authType === "service_principal") {
      if (values.clientSecret === "") issues.push({ field: "clientSecret", message: "Enter the client secret's Value (not its Secret ID)." });
      else if (GUID.test(values.clientSecret.trim())) issues.push({ field: "clientSecret", message: "This looks like the secret's ID; enter its Value, which Azure shows once when the secret is created." });
      else if (values.clientSecret.length > 1024 || /[\r\n]/.test(values.clientSecret)) issues.push({ field: "clientSecret", message: "The client secret must be one line of at most 1024 characters." });
    }
    return issues;
  },
  setupGuide: ({ hostname, repository }) => {
    const registry = hostname ? hostname.split(".")[0]! : "<registry>";
    return {
      steps: [
        {
          title: "Create a service principal with AcrPull",
          body: "AcrPull lets it pull and nothing else (a registry with ABAC repository permissions ignores AcrPull: use --role \"Container Registry Repository Reader\" there). The command prints the appId (client ID), password (client secret) and tenant.",
          command: `az ad sp create-for-rbac --name portal-pull --role AcrPull \\\n  --scopes $(az acr show --name ${registry} --query id --output tsv)`,
        },
        { title: "Or an ACR token", body: "Registry > Repository permissions > Tokens > Add, scope map _repositories_pull (or one limited to the repositories), then generate a password.", command: `az acr token create --name portal-pull --registry ${registry} --scope-map _repositories_pull` },
        { title: "Check it locally", body: "The credential must log in and pull:", command: `docker login ${hostname || "<registry>.azurecr.io"} -u <client ID or token name> -p <secret>\ndocker pull ${hostname || "<registry>.azurecr.io"}/${repository ?? "<repository>"}:<tag>` },
      ],
      minimumPermission: "AcrPull on the registry (service principal), or a token whose scope map has content/read on the repositories.",
      pullScope: `repository:${repository ?? "<repository>"}:pull`,
    };
  },
  login: { kind: "oci", exchange: "entra-acr" },
  federation: azureFederation,
  terms: {
    credential: "credential",
    wrongCredentials: { summary: "Azure Container Registry refused the credentials.", fix: "Check the token name and password (ACR token), or that the service principal's secret has not expired (App registrations > Certificates & secrets)." },
    noPullPermission: (repository) => ({ summary: `The identity may not pull ${repository}.`, fix: "Give the app, managed identity or service principal the AcrPull role on the registry (Access control (IAM) > Add role assignment); on a registry whose role assignment permissions mode is RBAC Registry + ABAC Repository Permissions, AcrPull is not honoured: assign Container Registry Repository Reader instead. For an ACR token, add the repository to its scope map with content/read." }),
    unknownRepository: (repository) => ({ summary: `The registry has no repository ${repository}.`, fix: "Check the repository name as listed under the registry's Repositories." }),
  },
};
