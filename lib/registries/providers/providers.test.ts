import { describe, expect, it } from "vitest";
import { parseProviderHostname, PROVIDER_LIST, type RegistryProvider } from "@/lib/registries/providers";
import { parseServiceAccountKey } from "@/lib/registries/providers/google";
import { maskSecret } from "@/lib/registries/settings";
import { ZCreateRegistryInput } from "@/lib/registries/schema";

const accepted: [RegistryProvider, string, string][] = [
  ["docker-hub", "docker.io", "docker.io"],
  ["docker-hub", "registry-1.docker.io", "docker.io"],
  ["ghcr", "https://ghcr.io/", "ghcr.io"],
  ["quay", "quay.io", "quay.io"],
  ["quay", "Quay.Example.com:8443", "quay.example.com:8443"],
  ["gitlab", "registry.gitlab.com", "registry.gitlab.com"],
  ["gitlab", "gitlab.example.com:5050", "gitlab.example.com:5050"],
  ["google", "europe-west1-docker.pkg.dev", "europe-west1-docker.pkg.dev"],
  ["google", "us-docker.pkg.dev", "us-docker.pkg.dev"],
  ["google", "eu.gcr.io", "eu.gcr.io"],
  ["azure", "myregistry.azurecr.io", "myregistry.azurecr.io"],
  ["generic", "harbor.example.com", "harbor.example.com"],
  ["generic", "nexus.example.com:5000", "nexus.example.com:5000"],
  ["generic", "registry.example.com:443", "registry.example.com"],
  ["ecr", "123456789012.dkr.ecr.us-east-1.amazonaws.com", "123456789012.dkr.ecr.us-east-1.amazonaws.com"],
];

describe("provider hostname rules", () => {
  it.each(accepted)("%s accepts %s as %s", (provider, input, normalised) => {
    expect(parseProviderHostname(provider, input)).toEqual({ ok: true, value: normalised });
  });

  it.each([
    ["generic", "myregistry.azurecr.io", /Azure Container Registry hostname; pick Azure Container Registry/],
    ["generic", "ghcr.io", /pick GitHub Container Registry/],
    ["quay", "docker.io", /pick Docker Hub/],
    ["generic", "123456789012.dkr.ecr.us-east-1.amazonaws.com", /an Amazon ECR hostname; pick Amazon ECR/],
    ["ecr", "quay.io", /pick Quay/],
    ["azure", "us-central1-docker.pkg.dev", /pick Google Artifact Registry/],
  ] as const)("%s refuses %s, which belongs to another provider", (provider, input, message) => {
    const parsed = parseProviderHostname(provider, input);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(message);
  });

  it.each([
    ["generic", "registry.example.com/team/app", /Remove the path/],
    ["generic", "user@registry.example.com", /user name/],
    ["generic", "registry.example.com:99999", /port must be a number/],
    ["generic", "regіstry.example.com", /non-ASCII/],
    ["generic", "[::1]:5000", /IPv6/],
    ["generic", "bad_host.example.com", /not a valid hostname/],
    ["docker-hub", "hub.example.com", /docker\.io/],
    ["ghcr", "ghcr.example.com", /ghcr\.io/],
    ["gitlab", "gitlab.com", /registry\.gitlab\.com/],
    ["azure", "my-registry.azurecr.io", /5 to 50 letters and digits/],
    ["google", "docker.pkg.dev.example.com", /-docker\.pkg\.dev/],
  ] as const)("%s refuses %s", (provider, input, message) => {
    const parsed = parseProviderHostname(provider, input);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(message);
  });

  it("gives every provider at least one auth type and a guide with a pull scope", () => {
    for (const provider of PROVIDER_LIST) {
      expect(provider.authTypes.length).toBeGreaterThan(0);
      expect(provider.setupGuide({ hostname: "", repository: "team/app" }).pullScope).toContain("team/app");
    }
  });
});

const KEY = {
  type: "service_account",
  project_id: "acme-prod",
  private_key_id: "0123456789abcdef0123456789abcdef01234567",
  private_key: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
  client_email: "portal-pull@acme-prod.iam.gserviceaccount.com",
  client_id: "1234567890",
};

describe("Google service account keys", () => {
  it("accepts a key as Google issues it and keeps only its public parts", () => {
    expect(parseServiceAccountKey(JSON.stringify(KEY))).toEqual({ ok: true, value: { clientEmail: KEY.client_email, projectId: "acme-prod", privateKeyId: KEY.private_key_id } });
  });

  it.each([
    ["not JSON", "{type: service_account", /not valid JSON/],
    ["a user credential", JSON.stringify({ ...KEY, type: "authorized_user" }), /not a service account key/],
    ["a key without its private key", JSON.stringify({ ...KEY, private_key: undefined }), /lacks private_key/],
    ["a key whose private key is not PEM", JSON.stringify({ ...KEY, private_key: "secret-material" }), /not a PEM private key/],
  ])("refuses %s, never quoting it", (_name, text, message) => {
    const parsed = parseServiceAccountKey(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(message);
    expect(!parsed.ok && parsed.message).not.toContain("secret-material");
  });
});

describe("registry input per provider", () => {
  const base = { name: "", allApplications: true, applicationIds: [], accessKeyId: "", secretAccessKey: "", roleArn: "" };
  const errors = (input: object) => Object.fromEntries((ZCreateRegistryInput.safeParse({ ...base, ...input }).error?.issues ?? []).map((issue) => [issue.path.join("."), issue.message]));

  it("accepts each provider's credential", () => {
    expect(errors({ provider: "docker-hub", hostname: "docker.io", authType: "basic", username: "acme", password: "dckr_pat_abcdefghijklmnopqrstuvwxyz" })).toEqual({});
    expect(errors({ provider: "quay", hostname: "quay.io", authType: "basic", username: "acme+portal", password: "T".repeat(64) })).toEqual({});
    expect(errors({ provider: "google", hostname: "us-docker.pkg.dev", authType: "json_key", jsonKey: JSON.stringify(KEY) })).toEqual({});
    expect(errors({ provider: "azure", hostname: "acme12.azurecr.io", authType: "service_principal", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", clientId: "00000000-0000-0000-0000-000000000001", clientSecret: "abc~defghijklmnop" })).toEqual({});
    expect(errors({ provider: "generic", hostname: "registry.example.com:5000", authType: "anonymous" })).toEqual({});
  });

  it("refuses an auth type the provider does not use, and names the ones it does", () => {
    expect(errors({ provider: "ghcr", hostname: "ghcr.io", authType: "iam_role" }).authType).toMatch(/Classic personal access token/);
    expect(errors({ provider: "docker-hub", hostname: "docker.io", authType: "anonymous" }).authType).toBeDefined();
  });

  it("refuses a fine-grained GitHub token, a Quay user that is not a robot and an Azure secret ID", () => {
    expect(errors({ provider: "ghcr", hostname: "ghcr.io", authType: "basic", username: "acme", password: "github_pat_11ABCDEFG" }).password).toMatch(/fine-grained/);
    expect(errors({ provider: "quay", hostname: "quay.io", authType: "basic", username: "alice", password: "x" }).username).toMatch(/organisation\+name/);
    expect(errors({ provider: "azure", hostname: "acme12.azurecr.io", authType: "service_principal", tenantId: "contoso.onmicrosoft.com", clientId: "00000000-0000-0000-0000-000000000001", clientSecret: "00000000-0000-0000-0000-000000000002" }).clientSecret).toMatch(/secret's ID/);
  });
});

describe("maskSecret", () => {
  it("keeps a token's known prefix and last 4, and only the last 2 of a short password", () => {
    expect(maskSecret("ghp_abcdefghijklmnopqrstuvwxyz0123456789")).toBe("ghp_…6789");
    expect(maskSecret("dckr_pat_abcdefghijklmnopqrstuvwxyz")).toBe("dckr_pat_…wxyz");
    expect(maskSecret("glpat-abcdefghijklmnopqrst")).toBe("glpat-…qrst");
    expect(maskSecret("hunter2hunter2")).toBe("…r2");
  });
});
