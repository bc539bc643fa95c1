// The Google stand-in's workload identity federation checked on its own:
// STS verifies what Google verifies (the audience parameter, the issuer's
// live keys, iss, aud with and without https:, exp, the attribute
// condition), IAM Credentials checks the impersonation binding, and
// Artifact Registry takes `oauth2accesstoken` with the access token, for
// skopeo too.
import { generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestIssuer, type TestIssuer } from "../local-aws/test-issuer";
import { startGoogleStandIn } from "./google";
import { applyGcloudScript } from "./gcloud";
import { GET_ACCESS_TOKEN_DENIED, GoogleFederation, STS_ERRORS } from "./google-federation";
import type { StandIn } from "./stand-in";
import { basic, headManifest, skopeoInspect } from "./test-helpers";

const NUMBER = "123456789012";
const PROVIDER = `//iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/portal/providers/portal-oidc`;
const SUBJECT = "team_0123456789abcdef";

let issuer: TestIssuer;
let federation: GoogleFederation;
let gar: StandIn & { hostname: string };
let digest: string;

beforeAll(async () => {
  issuer = await startTestIssuer();
  federation = new GoogleFederation("acme-prod", NUMBER);
  federation.createPool("portal");
  federation.createOidcProvider("portal", "portal-oidc", { issuerUri: issuer.url, attributeMapping: { "google.subject": "assertion.sub" }, attributeCondition: `assertion.sub=='${SUBJECT}'` });
  federation.addRepositoryBinding("images", { role: "roles/artifactregistry.reader", member: `principal://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/portal/subject/${SUBJECT}` });
  gar = await startGoogleStandIn({ hostname: "europe-west1-docker.pkg.dev", federation });
  digest = (await gar.push("acme-prod/images/app", "1.0")).digest;
});

afterAll(async () => {
  await gar?.close();
  await issuer?.close();
});

function sts(fields: Record<string, string>): Promise<Response> {
  return fetch(`${gar.url}/v1/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      audience: PROVIDER,
      scope: "https://www.googleapis.com/auth/cloud-platform",
      requested_token_type: "urn:ietf:params:oauth:token-type:access_token",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      ...fields,
    }),
  });
}

async function expectStsError(response: Response, error: string, description: string) {
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual({ error, error_description: description });
}

describe("Google STS", () => {
  it("exchanges a token of the trusted issuer, audience the provider's name with or without https:", async () => {
    for (const aud of [PROVIDER, `https:${PROVIDER}`]) {
      const response = await sts({ subject_token: await issuer.mint({ sub: SUBJECT, aud }) });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ issued_token_type: "urn:ietf:params:oauth:token-type:access_token", token_type: "Bearer", expires_in: 3599 });
    }
  });

  it("refuses another subject by the attribute condition", async () => {
    await expectStsError(await sts({ subject_token: await issuer.mint({ sub: "team_stranger", aud: PROVIDER }) }), "unauthorized_client", STS_ERRORS.conditionRejected);
  });

  it("refuses another audience, a forged signature, an expired token and another issuer", async () => {
    await expectStsError(await sts({ subject_token: await issuer.mint({ sub: SUBJECT, aud: "sts.amazonaws.com" }) }), "invalid_grant", STS_ERRORS.audienceMismatch("sts.amazonaws.com"));
    const forger = await generateKeyPair("RS256");
    await expectStsError(await sts({ subject_token: await issuer.mint({ sub: SUBJECT, aud: PROVIDER }, { key: forger.privateKey }) }), "invalid_grant", STS_ERRORS.badSignature);
    const expired = await issuer.mint({ sub: SUBJECT, aud: PROVIDER }, { now: Date.now() - 600_000 });
    expect(((await (await sts({ subject_token: expired })).json()) as { error_description: string }).error_description).toMatch(/^ID Token expired at \d+\.$/);
    await expectStsError(await sts({ subject_token: await issuer.mint({ sub: SUBJECT, aud: PROVIDER, iss: "https://elsewhere.example.com" }) }), "invalid_grant", STS_ERRORS.issuerMismatch("https://elsewhere.example.com"));
  });

  it("fetches the issuer's keys live: a rotated key is accepted, an unreachable issuer is reported", async () => {
    await issuer.rotate();
    expect((await sts({ subject_token: await issuer.mint({ sub: SUBJECT, aud: PROVIDER }) })).status).toBe(200);
    issuer.down = true;
    try {
      await expectStsError(await sts({ subject_token: await issuer.mint({ sub: SUBJECT, aud: PROVIDER }) }), "invalid_grant", STS_ERRORS.issuerUnreachable);
    } finally {
      issuer.down = false;
    }
  });

  it("answers a malformed audience and a missing or disabled provider as Google does", async () => {
    const token = await issuer.mint({ sub: SUBJECT, aud: PROVIDER });
    await expectStsError(await sts({ subject_token: token, audience: `projects/${NUMBER}/locations/global/workloadIdentityPools/portal` }), "invalid_request", STS_ERRORS.badAudienceParameter);
    await expectStsError(await sts({ subject_token: token, audience: PROVIDER.replace("portal-oidc", "missing") }), "invalid_target", STS_ERRORS.poolOrProviderGone);
    federation.provider("portal", "portal-oidc").disabled = true;
    try {
      await expectStsError(await sts({ subject_token: token }), "invalid_target", STS_ERRORS.poolOrProviderGone);
    } finally {
      federation.provider("portal", "portal-oidc").disabled = false;
    }
  });
});

describe("IAM Credentials and Artifact Registry", () => {
  async function federatedToken(): Promise<string> {
    const response = await sts({ subject_token: await issuer.mint({ sub: SUBJECT, aud: PROVIDER }) });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  it("lets skopeo pull as oauth2accesstoken with the federated token, and refuses an unknown token", async () => {
    expect((await skopeoInspect(gar, "acme-prod/images/app:1.0", { username: "oauth2accesstoken", password: await federatedToken() })).Digest).toBe(digest);
    const refused = await fetch(`${gar.url}/v2/token?service=${gar.hostname}&scope=repository:acme-prod/images/app:pull`, { headers: { Authorization: basic("oauth2accesstoken", "ya29.unknown") } });
    expect(refused.status).toBe(401);
  });

  it("denies a repository the principal has no Reader on", async () => {
    const response = await fetch(`${gar.url}/v2/token?service=${gar.hostname}&scope=repository:acme-prod/other/app:pull`, { headers: { Authorization: basic("oauth2accesstoken", await federatedToken()) } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe("DENIED");
  });

  it("impersonates a service account only with roles/iam.workloadIdentityUser for the principal", async () => {
    const email = federation.createServiceAccount("portal-pull");
    const generate = async () =>
      fetch(`${gar.url}/v1/projects/-/serviceAccounts/${email}:generateAccessToken`, {
        method: "POST",
        headers: { Authorization: `Bearer ${await federatedToken()}`, "Content-Type": "application/json" },
        body: JSON.stringify({ scope: ["https://www.googleapis.com/auth/cloud-platform"] }),
      });
    const denied = await generate();
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { message: string; status: string } }).error).toMatchObject({ message: GET_ACCESS_TOKEN_DENIED, status: "PERMISSION_DENIED" });
    federation.addServiceAccountBinding(email, { role: "roles/iam.workloadIdentityUser", member: `principal://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/portal/subject/${SUBJECT}` });
    federation.addRepositoryBinding("images", { role: "roles/artifactregistry.reader", member: `serviceAccount:${email}` });
    const granted = await generate();
    expect(granted.status).toBe(200);
    const { accessToken } = (await granted.json()) as { accessToken: string };
    const token = await fetch(`${gar.url}/v2/token?service=${gar.hostname}&scope=repository:acme-prod/images/app:pull`, { headers: { Authorization: basic("oauth2accesstoken", accessToken) } });
    expect(token.status).toBe(200);
    expect((await headManifest(gar, "acme-prod/images/app", "1.0", ((await token.json()) as { token: string }).token)).status).toBe(200);
  });
});

describe("gcloud commands run against the stand-in", () => {
  const overrides = () => `export CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM=${gar.url}/\nexport CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY=${gar.url}/\n`;

  it("makes gcloud's REST calls at the endpoints the script exports, and the stand-in's IAM and Artifact Registry APIs apply them", async () => {
    const before = gar.requests.length;
    await applyGcloudScript(
      overrides() +
        [
          `gcloud iam workload-identity-pools create cli-pool --project=${NUMBER} --location=global --display-name="Vendor portal"`,
          `gcloud iam workload-identity-pools providers create-oidc cli-oidc --project=${NUMBER} --location=global \\`,
          "  --workload-identity-pool=cli-pool \\",
          `  --issuer-uri="${issuer.url}" \\`,
          '  --attribute-mapping="google.subject=assertion.sub" \\',
          `  --attribute-condition="assertion.sub=='team_x'"`,
          `gcloud artifacts repositories add-iam-policy-binding cli-images --project=${NUMBER} --location=europe-west1 --role=roles/artifactregistry.reader \\`,
          `  --member="principal://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/cli-pool/subject/team_x"`,
          `gcloud artifacts repositories add-iam-policy-binding cli-images --project=${NUMBER} --location=europe-west1 --role=roles/artifactregistry.reader --member="serviceAccount:ci@acme-prod.iam.gserviceaccount.com"`,
        ].join("\n"),
    );
    expect(federation.provider("cli-pool", "cli-oidc")).toMatchObject({ issuerUri: issuer.url, attributeCondition: "assertion.sub=='team_x'" });
    // The read-modify-write kept the first member when the second was added.
    expect(federation.repositoryBindings.get("cli-images")!.map((binding) => binding.member)).toEqual([
      `principal://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/cli-pool/subject/team_x`,
      "serviceAccount:ci@acme-prod.iam.gserviceaccount.com",
    ]);
    expect(gar.requests.slice(before).map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      `POST /v1/projects/${NUMBER}/locations/global/workloadIdentityPools 200`,
      `POST /v1/projects/${NUMBER}/locations/global/workloadIdentityPools/cli-pool/providers 200`,
      `GET /v1/projects/${NUMBER}/locations/europe-west1/repositories/cli-images:getIamPolicy 200`,
      `POST /v1/projects/${NUMBER}/locations/europe-west1/repositories/cli-images:setIamPolicy 200`,
      `GET /v1/projects/${NUMBER}/locations/europe-west1/repositories/cli-images:getIamPolicy 200`,
      `POST /v1/projects/${NUMBER}/locations/europe-west1/repositories/cli-images:setIamPolicy 200`,
    ]);
  });

  it("refuses a wrong project, location or flag as gcloud and the APIs would, and never calls real Google", async () => {
    const apply = (script: string) => applyGcloudScript(overrides() + script);
    await expect(apply("gcloud iam workload-identity-pools create other --project=999999999999 --location=global")).rejects.toThrow("PERMISSION_DENIED: Permission denied on resource project 999999999999.");
    await expect(apply(`gcloud artifacts repositories add-iam-policy-binding images --project=${NUMBER} --location=us-central1 --role=roles/artifactregistry.reader --member="serviceAccount:a@b.iam.gserviceaccount.com"`)).rejects.toThrow(
      `NOT_FOUND: Repository "projects/${NUMBER}/locations/us-central1/repositories/images" not found`,
    );
    const before = gar.requests.length;
    await expect(apply(`gcloud iam workload-identity-pools create other-pool --project=${NUMBER} --location=global --colour=blue`)).rejects.toThrow("unrecognized arguments: --colour");
    expect(gar.requests.length).toBe(before);
    await expect(applyGcloudScript(`gcloud iam workload-identity-pools create other-pool --project=${NUMBER} --location=global`)).rejects.toThrow("would call https://iam.googleapis.com/ (real Google)");
    await expect(applyGcloudScript(`export CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM=${gar.url}\ngcloud iam workload-identity-pools create other-pool --project=${NUMBER} --location=global`)).rejects.toThrow(/must be a base URL ending in \//);
    expect(federation.pools.has("other-pool")).toBe(false);
  });

  it("POSTed to the stand-in's /_stand-in/gcloud, for specs in another process: the commands name the stand-in themselves", async () => {
    const bare = await fetch(`${gar.url}/_stand-in/gcloud`, { method: "POST", body: "gcloud iam workload-identity-pools create posted-pool --project=123456789012 --location=global" });
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as { error: string }).error).toContain("real Google");
    const response = await fetch(`${gar.url}/_stand-in/gcloud`, { method: "POST", body: `${overrides()}gcloud iam workload-identity-pools create posted-pool --project=123456789012 --location=global` });
    expect(response.status).toBe(200);
    expect(federation.pools.has("posted-pool")).toBe(true);
    const refused = await fetch(`${gar.url}/_stand-in/gcloud`, { method: "POST", body: `${overrides()}gcloud iam workload-identity-pools create posted-pool --project=123456789012 --location=global` });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toContain("ALREADY_EXISTS");
  });
});
