import { describe, expect, it } from "vitest";
import { PROVIDERS } from "@/lib/registries/providers";

const values = { issuerUrl: "https://portal.example.com/oidc", subject: "team_7kq2m9x4", hostname: "acmevendor.azurecr.io", settings: { tenantId: "t-1", clientId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" }, localEndpoints: {} };

describe("the keyless setup guides", () => {
  it("Azure: the federated credential and AcrPull commands carry the issuer, the subject, the audience and the client ID; no local step against real Azure", () => {
    const guide = PROVIDERS.azure.federation!.setupGuide(values);
    const commands = guide.steps.map((step) => step.command ?? "").join("\n");
    expect(commands).not.toContain("az cloud register");
    const parameters = /--parameters '([^']*)'/.exec(commands)![1]!;
    expect(JSON.parse(parameters)).toMatchObject({ issuer: values.issuerUrl, subject: values.subject, audiences: ["api://AzureADTokenExchange"] });
    expect(commands).toContain(`az ad app federated-credential create --id ${values.settings.clientId}`);
    expect(commands).toContain(`az role assignment create --assignee ${values.settings.clientId} --role AcrPull`);
    expect(commands).toContain("--name acmevendor");
  });

  it("Azure: the Terraform JSON creates the same credential and the AcrPull assignment", () => {
    const terraform = JSON.parse(PROVIDERS.azure.federation!.setupGuide(values).artefacts[0]!.text);
    expect(terraform.resource.azuread_application_federated_identity_credential.portal).toMatchObject({ issuer: values.issuerUrl, subject: values.subject, audiences: ["api://AzureADTokenExchange"] });
    expect(terraform.resource.azurerm_role_assignment.portal_acr_pull.role_definition_name).toBe("AcrPull");
    expect(terraform.variable.client_id.default).toBe(values.settings.clientId);
  });

  it("Azure with ABAC repository permissions: the command and the Terraform JSON assign Container Registry Repository Reader, with a condition naming the listed repositories", () => {
    const abac = { ...values, settings: { ...values.settings, acrPermissionsMode: "abac", abacRepositories: "acme/app acme/tool" } };
    const guide = PROVIDERS.azure.federation!.setupGuide(abac);
    const commands = guide.steps.map((step) => step.command ?? "").join("\n");
    expect(commands).not.toContain("--role AcrPull");
    expect(commands).toContain(`az role assignment create --assignee ${values.settings.clientId} --role 'Container Registry Repository Reader'`);
    const condition =
      "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}) AND !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})) OR (@Resource[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase 'acme/app' OR @Resource[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase 'acme/tool'))";
    expect(commands).toContain(`--condition '${condition.replace(/'/g, "'\\''")}' --condition-version 2.0`);
    expect(guide.minimumPermission).toMatch(/^Container Registry Repository Reader on the registry \(its condition naming acme\/app, acme\/tool\)/);
    const terraform = JSON.parse(guide.artefacts[0]!.text);
    expect(terraform.resource.azurerm_role_assignment.portal_acr_pull).toMatchObject({ role_definition_name: "Container Registry Repository Reader", condition, condition_version: "2.0" });

    // Without repositories: the role on every repository, no condition.
    const everywhere = PROVIDERS.azure.federation!.setupGuide({ ...values, settings: { ...values.settings, acrPermissionsMode: "abac" } });
    expect(everywhere.steps.map((step) => step.command ?? "").join("\n")).not.toContain("--condition");
    expect(JSON.parse(everywhere.artefacts[0]!.text).resource.azurerm_role_assignment.portal_acr_pull).not.toHaveProperty("condition");
  });

  it("Azure: in local mode the CLI is first pointed at the stand-in", () => {
    const guide = PROVIDERS.azure.federation!.setupGuide({ ...values, localEndpoints: { "login.microsoftonline.com": "http://127.0.0.1:4010" } });
    expect(guide.steps[0]!.command).toContain("--endpoint-active-directory http://127.0.0.1:4010");
  });

  it("Quay: the federation request names the issuer and the exact subject, on the registry's API (or the stand-in's)", () => {
    const guide = PROVIDERS.quay.federation!.setupGuide({ ...values, hostname: "quay.io", settings: { username: "acme+portal" }, repository: "acme/app" });
    const federation = guide.steps.find((step) => step.command?.includes("/federation"))!.command!;
    expect(federation).toContain("https://quay.io/api/v1/organization/acme/robots/portal/federation");
    expect(JSON.parse(/--data '([^']*)'/.exec(federation)![1]!)).toEqual([{ issuer: values.issuerUrl, subject: values.subject }]);
    const local = PROVIDERS.quay.federation!.setupGuide({ ...values, hostname: "quay.io", settings: { username: "acme+portal" }, localEndpoints: { "quay.io": "http://127.0.0.1:4020" } });
    expect(local.steps.every((step) => step.command?.includes("http://127.0.0.1:4020/api/v1/"))).toBe(true);
  });

  it("records the negative check for the app or robot, and the audiences each cloud expects", () => {
    expect(PROVIDERS.azure.federation!.checkTarget(values)).toBe(`azure:t-1/${values.settings.clientId}`);
    expect(PROVIDERS.azure.federation!.checkTarget({ ...values, settings: { tenantId: "t-1" } })).toBeNull();
    expect(PROVIDERS.quay.federation!.checkTarget({ hostname: "quay.io", settings: { username: "acme+portal" } })).toBe("quay:quay.io/acme+portal");
    expect(PROVIDERS.azure.federation!.audience(values)).toBe("api://AzureADTokenExchange");
    expect(PROVIDERS.quay.federation!.audience({ hostname: "quay.example.com:8443", settings: {} })).toBe("quay.example.com:8443");
  });

  it("checks the keyless fields with messages naming them, and asks for no secret", async () => {
    const { ZCreateRegistryInput } = await import("@/lib/registries/schema");
    const base = { name: "", allApplications: true, applicationIds: [], authType: "federated" };
    const azure = ZCreateRegistryInput.safeParse({ ...base, provider: "azure", hostname: "acmevendor.azurecr.io", tenantId: "not a tenant", clientId: "nope" });
    expect(azure.success).toBe(false);
    expect(azure.error!.issues.map((issue) => issue.path[0]).sort()).toEqual(["clientId", "tenantId"]);
    expect(ZCreateRegistryInput.safeParse({ ...base, provider: "azure", hostname: "acmevendor.azurecr.io", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", clientId: values.settings.clientId }).success).toBe(true);
    const azureBase = { ...base, provider: "azure", hostname: "acmevendor.azurecr.io", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", clientId: values.settings.clientId };
    expect(ZCreateRegistryInput.safeParse({ ...azureBase, acrPermissionsMode: "abac", abacRepositories: "acme/app, acme/tool" }).success).toBe(true);
    expect(ZCreateRegistryInput.safeParse({ ...azureBase, acrPermissionsMode: "abac", abacRepositories: "Acme/App" }).error!.issues[0]).toMatchObject({ path: ["abacRepositories"], message: expect.stringMatching(/"Acme\/App" is not a repository name/) });
    expect(ZCreateRegistryInput.safeParse({ ...azureBase, abacRepositories: "acme/app" }).error!.issues[0]).toMatchObject({ path: ["abacRepositories"], message: expect.stringMatching(/choose RBAC Registry \+ ABAC Repository Permissions/) });
    expect(ZCreateRegistryInput.safeParse({ ...azureBase, acrPermissionsMode: "rbac" }).error!.issues[0]).toMatchObject({ path: ["acrPermissionsMode"] });
    const quay = ZCreateRegistryInput.safeParse({ ...base, provider: "quay", hostname: "quay.io", username: "Alice" });
    expect(quay.error!.issues[0]).toMatchObject({ path: ["username"], message: expect.stringMatching(/organisation\+name/) });
    expect(ZCreateRegistryInput.safeParse({ ...base, provider: "quay", hostname: "quay.io", username: "acme+portal" }).success).toBe(true);
    // Providers without keyless refuse it, naming theirs.
    expect(ZCreateRegistryInput.safeParse({ ...base, provider: "ghcr", hostname: "ghcr.io" }).error!.issues[0]).toMatchObject({ path: ["authType"] });
  });
});
