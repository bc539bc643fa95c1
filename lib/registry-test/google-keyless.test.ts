// The keyless Google Test (the shared keyless Test with Google's federation)
// against the Google stand-in (STS, IAM Credentials,
// Artifact Registry in front of a real registry) over real HTTP, with the
// portal's issuer served over HTTP from a real Postgres: the stand-in fetches
// its live discovery document and JWKS for every exchange. Every setup is
// the page's own gcloud commands, parsed and applied to the stand-in, so a
// wrong value in a shown command fails here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { buildGoogleSetup, type GoogleFederationSettings } from "@/lib/gcp/workload-identity";
import { trustedOriginsOf, type AuthEndpoints } from "@/lib/registry-auth/endpoints";
import { PROVIDERS } from "@/lib/registries/providers";
import { runOciRegistryTest } from "@/lib/registry-test/run-oci-test";
import type { RegistryTestResult, StepId } from "@/lib/registry-test/steps";
import { pointIssuerAt, startTestIssuer, type TestIssuer } from "@/test/support/issuer-server";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { applyGcloudScript, googleApiEndpoints } from "@/tools/registry-standins/gcloud";
import { startGoogleStandIn } from "@/tools/registry-standins/google";
import { GET_ACCESS_TOKEN_DENIED, GoogleFederation, STS_ERRORS } from "@/tools/registry-standins/google-federation";
import type { StandIn } from "@/tools/registry-standins/stand-in";

const HOST = "europe-west1-docker.pkg.dev";
const PROJECT_ID = "acme-prod";
const PROJECT_NUMBER = "123456789012";
const IMAGE = "acme-prod/images/app";

let issuer: TestIssuer;
let federation: GoogleFederation;
let gar: StandIn & { hostname: string };
let via: AuthEndpoints;
let team: { id: string; publicId: string };
let digest: string;
let unique = 0;

beforeAll(async () => {
  await useIsolatedDatabase("google_federated_test");
  issuer = await startTestIssuer();
  const { teamId } = await signUp({ name: "Google Vendor", email: `google-federated-${process.pid}@example.com`, password: "correct horse battery staple", teamName: "Google team" });
  team = { id: teamId, publicId: (await prisma.team.findUniqueOrThrow({ where: { id: teamId } })).publicId };
  federation = new GoogleFederation(PROJECT_ID, PROJECT_NUMBER);
  gar = await startGoogleStandIn({ hostname: HOST, federation });
  digest = (await gar.push(IMAGE, "1.0")).digest;
  const registryOverrides = [{ hostname: HOST, baseUrl: gar.url }];
  const authOverrides = [
    { hostname: "sts.googleapis.com", baseUrl: gar.url },
    { hostname: "iamcredentials.googleapis.com", baseUrl: gar.url },
  ];
  via = { registryOverrides, authOverrides, trustedOrigins: trustedOriginsOf(registryOverrides, authOverrides, undefined) };
});

afterAll(async () => {
  await gar?.close();
  await issuer?.close();
});

/** A fresh pool and provider per test, so tests never share federation state. */
function freshSettings(serviceAccount?: string): GoogleFederationSettings {
  unique += 1;
  return { projectNumber: PROJECT_NUMBER, poolId: `portal-pool-${unique}`, providerId: `portal-oidc-${unique}`, ...(serviceAccount ? { serviceAccount } : {}) };
}

function target(settings: GoogleFederationSettings) {
  return { provider: PROVIDERS.google, hostname: HOST, teamId: team.id, credentials: { authType: "federated" as const, settings } };
}

function setupFor(settings: GoogleFederationSettings, subject = team.publicId) {
  return buildGoogleSetup({ issuerUrl: getEnv().OIDC_ISSUER_URL, subject, hostname: HOST, settings, image: IMAGE });
}

async function apply(commands: string[]) {
  // Commands built without local endpoints name real Google; this machine's network maps its APIs to the stand-in.
  await applyGcloudScript(commands.join("\n"), { endpoints: googleApiEndpoints(gar.url) });
}

async function run(settings: GoogleFederationSettings, image = { repository: IMAGE, reference: "1.0" }): Promise<RegistryTestResult> {
  return (await runOciRegistryTest(target(settings), { endpoints: via, image })).result;
}

function failedStep(result: RegistryTestResult, id: StepId) {
  expect(result.verdict, JSON.stringify(result.steps, null, 1)).toBe("failing");
  const step = result.steps.find((candidate) => candidate.id === id)!;
  expect(step.status, JSON.stringify(result.steps, null, 1)).toBe("failed");
  return step.diagnosis!;
}

function expectGreen(result: RegistryTestResult) {
  expect(result.verdict, JSON.stringify(result.steps, null, 1)).toBe("verified");
  expect(result.steps.every((step) => step.status === "passed")).toBe(true);
}

describe("the setup shown on the page, applied to Google", () => {
  it("is green: STS exchanges the team's token, refuses a stranger's by the attribute condition, and the image is found", async () => {
    const settings = freshSettings();
    await apply(setupFor(settings).commands.map((command) => command.command));
    const result = await run(settings);
    expectGreen(result);
    expect(result.sentClaims).toEqual({ iss: issuer.url, sub: team.publicId, aud: `//iam.googleapis.com/projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools/${settings.poolId}/providers/${settings.providerId}` });
    expect(result.steps.find((step) => step.id === "negative-check")!.detail).toContain(STS_ERRORS.conditionRejected);
    expect(result.steps.find((step) => step.id === "manifest")!.detail).toContain(digest);
    // The stand-in verified a stranger subject and refused it at STS.
    expect(federation.exchanges.some((exchange) => exchange.subject !== team.publicId && exchange.error === STS_ERRORS.conditionRejected)).toBe(true);
  });

  it("is green with a service account to impersonate (roles/iam.workloadIdentityUser for the team's principal only)", async () => {
    const email = federation.createServiceAccount(`portal-pull-${unique + 1}`);
    const settings = freshSettings(email);
    const setup = setupFor(settings);
    expect(setup.commands.map((command) => command.id)).toEqual(["create-pool", "create-provider", "grant-impersonation", "grant-reader-to-service-account"]);
    await apply(setup.commands.map((command) => command.command));
    expectGreen(await run(settings));
  });

  it("is green with the provider's uploaded JWKS when Google cannot reach the portal's issuer", async () => {
    const settings = freshSettings();
    const live = issuer.url;
    const setup = setupFor(settings);
    // The JWKS is downloaded while the issuer is reachable, then the issuer is gone.
    await apply([setup.commands[0]!.command, setup.uploadedJwks.command, setup.commands[2]!.command]);
    pointIssuerAt("http://127.0.0.1:9/oidc");
    federation.updateOidcProvider(settings.poolId, settings.providerId, { issuerUri: "http://127.0.0.1:9/oidc" });
    try {
      expectGreen(await run(settings));
    } finally {
      pointIssuerAt(live);
    }
  });
});

describe("diagnoses in Google's terms, with Google's error text unchanged", () => {
  it("says the attribute condition rejected the team's subject when it names another subject, and its fix turns the Test green", async () => {
    const settings = freshSettings();
    await apply(setupFor(settings, "someone-else").commands.map((command) => command.command));
    const diagnosis = failedStep(await run(settings), "credential-exchange");
    expect(diagnosis.summary).toBe(`The provider's attribute condition rejected your team's subject ${team.publicId}.`);
    expect(diagnosis.awsCode).toBe("unauthorized_client");
    expect(diagnosis.awsMessage).toBe(STS_ERRORS.conditionRejected);
    // The snippet is a gcloud command too: applied, the team's subject is admitted, and the binding for the other subject is still missing.
    await apply([diagnosis.snippet!]);
    const next = await run(settings);
    expect(failedStep(next, "registry-token").summary).toContain("has no roles/artifactregistry.reader");
  });

  it("says the provider expects another audience", async () => {
    const settings = freshSettings();
    const [pool, provider, grant] = setupFor(settings).commands.map((command) => command.command);
    await apply([pool!, `${provider} --allowed-audiences=https://example.com/other`, grant!]);
    const diagnosis = failedStep(await run(settings), "credential-exchange");
    expect(diagnosis.summary).toContain("expects another audience");
    expect(diagnosis.awsCode).toBe("invalid_grant");
    expect(diagnosis.awsMessage).toBe(STS_ERRORS.audienceMismatch(`//iam.googleapis.com/projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools/${settings.poolId}/providers/${settings.providerId}`));
    await apply([diagnosis.snippet!]);
    expectGreen(await run(settings));
  });

  it("says the principal has no Artifact Registry Reader when the binding is missing", async () => {
    const settings = freshSettings();
    const [pool, provider] = setupFor(settings).commands.map((command) => command.command);
    await apply([pool!, provider!]);
    const diagnosis = failedStep(await run(settings), "registry-token");
    expect(diagnosis.summary).toBe(`principal://iam.googleapis.com/projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools/${settings.poolId}/subject/${team.publicId} may not pull ${IMAGE}: it has no roles/artifactregistry.reader on the repository.`);
    expect(diagnosis.awsCode).toBe("DENIED");
    expect(diagnosis.awsMessage).toBe('Permission "artifactregistry.repositories.downloadArtifacts" denied on resource "projects/acme-prod/locations/europe-west1/repositories/images" (or it may not exist)');
  });

  it("says the pool or provider is missing, disabled or deleted", async () => {
    const settings = freshSettings();
    const missing = failedStep(await run(settings), "credential-exchange");
    expect(missing.summary).toContain(`no enabled workload identity provider ${settings.poolId}/${settings.providerId} in project ${PROJECT_NUMBER}`);
    expect(missing.awsCode).toBe("invalid_target");
    expect(missing.awsMessage).toBe(STS_ERRORS.poolOrProviderGone);
    await apply(setupFor(settings).commands.map((command) => command.command));
    federation.pools.get(settings.poolId)!.disabled = true;
    expect(failedStep(await run(settings), "credential-exchange").awsCode).toBe("invalid_target");
  });

  it("says impersonation was refused without roles/iam.workloadIdentityUser", async () => {
    const email = federation.createServiceAccount(`portal-pull-${unique + 1}`);
    const settings = freshSettings(email);
    const commands = setupFor(settings).commands.filter((command) => command.id !== "grant-impersonation").map((command) => command.command);
    await apply(commands);
    const diagnosis = failedStep(await run(settings), "credential-exchange");
    expect(diagnosis.summary).toBe(`Google refused to let your team's principal impersonate ${email}.`);
    expect(diagnosis.awsCode).toBe("PERMISSION_DENIED");
    expect(diagnosis.awsMessage).toBe(GET_ACCESS_TOKEN_DENIED);
    await apply([diagnosis.snippet!]);
    expectGreen(await run(settings));
  });

  it("says Google cannot reach the portal's issuer", async () => {
    const settings = freshSettings();
    const live = issuer.url;
    pointIssuerAt("http://127.0.0.1:9/oidc");
    try {
      await apply(setupFor(settings).commands.map((command) => command.command));
      const diagnosis = failedStep(await run(settings), "credential-exchange");
      expect(diagnosis.summary).toBe("Google could not fetch the portal's discovery document or keys.");
      expect(diagnosis.fix).toContain("--jwk-json-path");
      expect(diagnosis.awsMessage).toBe(STS_ERRORS.issuerUnreachable);
    } finally {
      pointIssuerAt(live);
    }
  });

  it("says the provider trusts another issuer", async () => {
    const settings = freshSettings();
    const commands = setupFor(settings).commands.map((command) => command.command.replace(`--issuer-uri="${issuer.url}"`, '--issuer-uri="https://issuer.example.com/oidc"'));
    await apply(commands);
    const diagnosis = failedStep(await run(settings), "credential-exchange");
    expect(diagnosis.summary).toContain("trusts another issuer");
    await apply([diagnosis.snippet!]);
    expectGreen(await run(settings));
  });
});

describe("the negative check", () => {
  it("reports a provider without the attribute condition and a binding to the whole pool as unsafe", async () => {
    const settings = freshSettings();
    const [pool, provider, grant] = setupFor(settings).commands.map((command) => command.command);
    const principalSet = `principalSet://iam.googleapis.com/projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools/${settings.poolId}/*`;
    await apply([pool!, provider!.replace(/ \\\n\s*--attribute-condition="[^"]*"/, ""), grant!.replace(/--member="[^"]*"/, `--member="${principalSet}"`)]);
    expect(federation.provider(settings.poolId, settings.providerId).attributeCondition).toBeNull();
    const result = await run(settings);
    expect(result.verdict).toBe("unsafe");
    const check = result.steps.find((step) => step.id === "negative-check")!;
    expect(check.status).toBe("failed");
    expect(check.diagnosis!.summary).toMatch(/^Unsafe: Google accepted a token for \S+, which is not your team\./);
    expect(result.steps.filter((step) => ["registry-login", "registry-token", "manifest"].includes(step.id)).every((step) => step.status === "skipped")).toBe(true);
  });

  it("is satisfied when the registry refuses the stranger (no condition, but the binding names the team's principal only)", async () => {
    const settings = freshSettings();
    const [pool, provider, grant] = setupFor(settings).commands.map((command) => command.command);
    await apply([pool!, provider!.replace(/ \\\n\s*--attribute-condition="[^"]*"/, ""), grant!]);
    const result = await run(settings);
    expectGreen(result);
    expect(result.steps.find((step) => step.id === "negative-check")!.detail).toContain(`${HOST} refused a token for another subject`);
  });

  it("is unsafe when STS admits a stranger and no image is given to prove the registry refuses it", async () => {
    const settings = freshSettings();
    const [pool, provider, grant] = setupFor(settings).commands.map((command) => command.command);
    await apply([pool!, provider!.replace(/ \\\n\s*--attribute-condition="[^"]*"/, ""), grant!]);
    const result = (await runOciRegistryTest(target(settings), { endpoints: via })).result;
    expect(result.verdict).toBe("unsafe");
  });
});
