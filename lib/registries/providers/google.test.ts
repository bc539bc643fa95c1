import { describe, expect, it } from "vitest";
import { googleProvider } from "@/lib/registries/providers/google";
import type { ProviderFieldValues } from "@/lib/registries/providers/types";

const federation = googleProvider.federation!;
const SETTINGS = { projectNumber: "123456789012", poolId: "vendor-portal", providerId: "vendor-portal-oidc" };
const HOST = "europe-west1-docker.pkg.dev";

function values(patch: Partial<ProviderFieldValues>): ProviderFieldValues {
  return { authType: "federated", hostname: HOST, accessKeyId: "", secretAccessKey: "", roleArn: "", username: "", password: "", jsonKey: "", tenantId: "", clientId: "", clientSecret: "", projectNumber: "", poolId: "", providerId: "", serviceAccount: "", ...patch };
}

describe("Google's keyless federation", () => {
  it("signs for the provider's canonical name", () => {
    expect(federation.audience({ hostname: HOST, settings: SETTINGS })).toBe("//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/vendor-portal/providers/vendor-portal-oidc");
  });

  it("records the negative check for the provider and the impersonated account, so changing either needs a new pass", () => {
    const plain = federation.checkTarget({ hostname: HOST, settings: SETTINGS });
    const impersonating = federation.checkTarget({ hostname: HOST, settings: { ...SETTINGS, serviceAccount: "portal-pull@acme-prod.iam.gserviceaccount.com" } });
    const otherPool = federation.checkTarget({ hostname: HOST, settings: { ...SETTINGS, poolId: "other-pool" } });
    expect(new Set([plain, impersonating, otherPool]).size).toBe(3);
    expect(federation.checkTarget({ hostname: HOST, settings: { poolId: "vendor-portal" } })).toBeNull();
  });

  it("names each field that is wrong, in Google's terms", () => {
    const issues = googleProvider.checkCredentials(values({ projectNumber: "acme-prod", poolId: "gcp-pool", providerId: "ok-provider", serviceAccount: "someone@example.com" }), false);
    expect(issues.map((issue) => issue.field)).toEqual(["projectNumber", "poolId", "serviceAccount"]);
    expect(issues[0]!.message).toContain("not its ID");
    expect(googleProvider.checkCredentials(values({ ...SETTINGS }), false)).toEqual([]);
  });

  it("is offered first, marked recommended, with the key-based type one click away", () => {
    expect(googleProvider.authTypes.map((spec) => spec.id)).toEqual(["federated", "json_key"]);
    expect(googleProvider.authTypes[0]!.fields.map((field) => field.name)).toEqual(["projectNumber", "poolId", "providerId", "serviceAccount"]);
  });

  it("shows the setup with the uploaded-keys variant and Terraform JSON", () => {
    const guide = federation.setupGuide({ issuerUrl: "https://portal.example.com/oidc", subject: "team_abc", hostname: HOST, settings: SETTINGS, repository: "acme-prod/images/app", localEndpoints: {} });
    expect(guide.steps.map((step) => step.title)).toEqual([
      "Create a workload identity pool",
      "Trust the portal's issuer, for your team only",
      "Let your team's principal read the repository",
      "If Google cannot reach this portal: the provider with uploaded keys",
    ]);
    expect(guide.artefacts[0]!.fileName).toBe("vendor-portal-google.tf.json");

    // Local mode: gcloud's endpoint overrides come first, naming the stand-in as a base URL with a trailing slash.
    const local = federation.setupGuide({ issuerUrl: "http://localhost:3000/oidc", subject: "team_abc", hostname: HOST, settings: SETTINGS, repository: "acme-prod/images/app", localEndpoints: { "sts.googleapis.com": "http://127.0.0.1:4020" } });
    expect(local.steps[0]).toMatchObject({
      title: "Local mode: point gcloud at the stand-in",
      command: "export CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM=http://127.0.0.1:4020/\nexport CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY=http://127.0.0.1:4020/",
    });
    expect(guide.pullScope).toBe("repository:acme-prod/images/app:pull");
  });
});
