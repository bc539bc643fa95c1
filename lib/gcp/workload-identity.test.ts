import { describe, expect, it } from "vitest";
import {
  buildGoogleSetup,
  issuerUnreachableFromGoogle,
  GOOGLE_FIELD_MESSAGES,
  parseFederationId,
  parseProjectNumber,
  parseServiceAccountEmail,
  poolPrincipalSet,
  subjectPrincipal,
  workloadIdentityProviderName,
} from "@/lib/gcp/workload-identity";

const SETTINGS = { projectNumber: "123456789012", poolId: "vendor-portal", providerId: "vendor-portal-oidc" };

describe("workload identity names", () => {
  it("names the provider, the team's principal and the whole pool as Google does", () => {
    expect(workloadIdentityProviderName(SETTINGS)).toBe("//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/vendor-portal/providers/vendor-portal-oidc");
    expect(subjectPrincipal(SETTINGS, "team_abc")).toBe("principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/vendor-portal/subject/team_abc");
    expect(poolPrincipalSet(SETTINGS)).toBe("principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/vendor-portal/*");
  });
});

describe("the fields", () => {
  it("takes a project number, not a project ID", () => {
    expect(parseProjectNumber(" 123456789012 ")).toEqual({ ok: true, value: "123456789012" });
    expect(parseProjectNumber("acme-prod")).toEqual({ ok: false, message: GOOGLE_FIELD_MESSAGES.projectNumber });
  });

  it("takes pool and provider IDs Google accepts", () => {
    expect(parseFederationId("vendor-portal", "poolId").ok).toBe(true);
    for (const bad of ["abc", "Vendor", "gcp-pool", "a".repeat(33), "pool_1"]) expect(parseFederationId(bad, "poolId")).toEqual({ ok: false, message: GOOGLE_FIELD_MESSAGES.poolId });
  });

  it("takes an optional service account email", () => {
    expect(parseServiceAccountEmail("")).toEqual({ ok: true, value: undefined });
    expect(parseServiceAccountEmail("Portal-Pull@acme-prod.iam.gserviceaccount.com")).toEqual({ ok: true, value: "portal-pull@acme-prod.iam.gserviceaccount.com" });
    expect(parseServiceAccountEmail("someone@example.com").ok).toBe(false);
  });
});

describe("the setup", () => {
  const input = { issuerUrl: "https://portal.example.com/oidc", subject: "team_abc", hostname: "europe-west1-docker.pkg.dev", settings: SETTINGS, image: "acme-prod/images/app" };

  it("pins the team's subject in the provider's condition and grants the repository to that principal only", () => {
    const setup = buildGoogleSetup(input);
    expect(setup.commands.map((command) => command.id)).toEqual(["create-pool", "create-provider", "grant-reader"]);
    expect(setup.commands[1]!.command).toContain(`--attribute-condition="assertion.sub=='team_abc'"`);
    expect(setup.commands[1]!.command).toContain('--issuer-uri="https://portal.example.com/oidc"');
    expect(setup.commands[2]!.command).toContain("gcloud artifacts repositories add-iam-policy-binding images --project=123456789012 --location=europe-west1");
    expect(setup.commands[2]!.command).toContain(`--member="${subjectPrincipal(SETTINGS, "team_abc")}"`);
    expect(setup.commands.some((command) => command.command.includes("principalSet"))).toBe(false);
  });

  it("gives the same as Terraform JSON", () => {
    const terraform = JSON.parse(buildGoogleSetup(input).terraform) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    expect(terraform.resource.google_iam_workload_identity_pool_provider!.vendor_portal).toMatchObject({ attribute_condition: "assertion.sub=='team_abc'", attribute_mapping: { "google.subject": "assertion.sub" }, oidc: { issuer_uri: "https://portal.example.com/oidc" } });
    expect(terraform.resource.google_artifact_registry_repository_iam_member!.vendor_portal_reader).toEqual({ project: "123456789012", location: "europe-west1", repository: "images", role: "roles/artifactregistry.reader", member: subjectPrincipal(SETTINGS, "team_abc") });
    expect(terraform.resource.google_service_account_iam_member).toBeUndefined();
  });

  it("grants impersonation and the reader role to the service account when one is set", () => {
    const setup = buildGoogleSetup({ ...input, settings: { ...SETTINGS, serviceAccount: "portal-pull@acme-prod.iam.gserviceaccount.com" } });
    expect(setup.commands.map((command) => command.id)).toEqual(["create-pool", "create-provider", "grant-impersonation", "grant-reader-to-service-account"]);
    expect(setup.commands[2]!.command).toContain("--role=roles/iam.workloadIdentityUser");
    expect(setup.commands[3]!.command).toContain('--member="serviceAccount:portal-pull@acme-prod.iam.gserviceaccount.com"');
    const terraform = JSON.parse(setup.terraform) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    expect(terraform.resource.google_service_account_iam_member!.vendor_portal_impersonation).toMatchObject({ role: "roles/iam.workloadIdentityUser", member: subjectPrincipal(SETTINGS, "team_abc") });
  });

  it("shows placeholders before anything is typed, and the uploaded-JWKS variant with its rotation caveat", () => {
    const setup = buildGoogleSetup({ issuerUrl: "http://localhost:3000/oidc", subject: "team_abc", hostname: "", settings: {} });
    expect(setup.commands[0]!.command).toBe('gcloud iam workload-identity-pools create vendor-portal --project=<project-number> --location=global --display-name="Vendor portal"');
    expect(setup.commands[2]!.command).toContain("<repository> --project=<project-number> --location=<location>");
    expect(setup.uploadedJwks.command).toContain('curl -fsS "http://localhost:3000/oidc/jwks" > portal-jwks.json');
    expect(setup.uploadedJwks.command).toContain("--jwk-json-path=portal-jwks.json");
    expect(setup.uploadedJwks.note).toContain("does not follow the portal's key rotation");
  });
});

describe("an issuer Google cannot reach", () => {
  it("is any issuer that is not public https", () => {
    expect(issuerUnreachableFromGoogle("https://portal.example.com/oidc")).toBe(false);
    for (const url of ["http://portal.example.com/oidc", "https://localhost:3000/oidc", "https://127.0.0.1/oidc", "https://10.1.2.3/oidc", "https://192.168.1.5/oidc", "https://172.20.0.1/oidc", "https://portal.internal/oidc"]) {
      expect(issuerUnreachableFromGoogle(url), url).toBe(true);
    }
  });

  it("says so in the provider step and points to the uploaded keys", () => {
    const body = (issuerUrl: string) => buildGoogleSetup({ issuerUrl, subject: "team_abc", hostname: "europe-west1-docker.pkg.dev", settings: SETTINGS }).commands[1]!.body;
    expect(body("http://127.0.0.1:3000/oidc")).toContain("Google cannot fetch its keys: create the provider with the uploaded keys instead");
    expect(body("https://portal.example.com/oidc")).not.toContain("cannot fetch");
  });
});
