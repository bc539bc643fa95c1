// The Test against the local AWS over real HTTP with the real AWS SDK, a real
// Postgres (signing keys, teams) and the portal's issuer served over HTTP.
// Every failure is produced by setting up the local AWS that way.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRoleArn } from "@/lib/aws/arn";
import { parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { signUp } from "@/lib/auth/service";
import { getEnv } from "@/lib/env";
import { prisma } from "@/lib/db";
import type { TestEndpoints } from "@/lib/registry-test/endpoints";
import { runRegistryTest, type RegistryTestTarget, type RunRegistryTestOptions } from "@/lib/registry-test/run-test";
import type { Diagnosis, StepId, StepResult } from "@/lib/registry-test/steps";
import { startTestIssuer, pointIssuerAt, type TestIssuer } from "@/test/support/issuer-server";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { startLocalAws, type LocalAws } from "@/tools/local-aws/local-aws";
import { trustPolicyJson, VendorAws } from "@/e2e/support/vendor-aws";

const REGION = "eu-west-1";
const ACCOUNTS = [
  { accountId: "111111111111", accessKeyId: "AKIAITESTACCOUNTA001", secretAccessKey: "itestSecretKeyForAccountA00000000000000001" },
  { accountId: "222222222222", accessKeyId: "AKIAITESTACCOUNTB002", secretAccessKey: "itestSecretKeyForAccountB00000000000000002" },
  { accountId: "333333333333", accessKeyId: "AKIAITESTACCOUNTC003", secretAccessKey: "itestSecretKeyForAccountC00000000000000003" },
  { accountId: "444444444444", accessKeyId: "AKIAITESTACCOUNTD004", secretAccessKey: "itestSecretKeyForAccountD00000000000000004" },
];
// A: the registry's account; B: a cross-account role; C: a provider with a wrong audience; D: no provider at all.
const [A, B, C, D] = ACCOUNTS as [(typeof ACCOUNTS)[0], (typeof ACCOUNTS)[0], (typeof ACCOUNTS)[0], (typeof ACCOUNTS)[0]];

let aws: LocalAws;
let issuer: TestIssuer;
let vendorA: VendorAws;
let vendorB: VendorAws;
let team: { id: string; publicId: string };
let endpoints: TestEndpoints;
let unique = 0;

beforeAll(async () => {
  await useIsolatedDatabase("registry_test_run");
  issuer = await startTestIssuer();
  aws = await startLocalAws({ port: 0, accounts: ACCOUNTS, jwksCacheSeconds: 0 });
  vendorA = new VendorAws(aws.url, A);
  vendorB = new VendorAws(aws.url, B);
  const { teamId } = await signUp({ name: "Test Vendor", email: `run-test-${process.pid}@example.com`, password: "correct horse battery staple", teamName: "Run test team" });
  team = { id: teamId, publicId: (await prisma.team.findUniqueOrThrow({ where: { id: teamId } })).publicId };
  endpoints = { sts: aws.url, ecr: aws.url, registryOverrides: [{ hostname: "*", baseUrl: `${aws.url}/_registry/{hostname}` }] };
  await vendorA.createProvider(issuer.url);
  aws.pushFixtureImage({ accountId: A.accountId, region: REGION, repository: "vendor/app", tag: "1.0" });
});

afterAll(async () => {
  await aws?.close();
  await issuer?.close();
});

function hostnameOf(accountId: string) {
  const parsed = parseEcrHostname(aws.registryHostname(accountId, REGION));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

function iamTarget(roleArn: string, registryAccount = A.accountId): RegistryTestTarget {
  const role = parseRoleArn(roleArn);
  if (!role.ok) throw new Error(role.message);
  return { authType: "iam_role", teamId: team.id, teamPublicId: team.publicId, registryId: "reg1", hostname: hostnameOf(registryAccount), role: role.value };
}

function run(target: RegistryTestTarget, options: Partial<RunRegistryTestOptions> = {}) {
  return runRegistryTest(target, { endpoints, issuerUrl: getEnv().OIDC_ISSUER_URL, ...options });
}

function statuses(steps: { id: StepId; status: string }[]) {
  return Object.fromEntries(steps.map((step) => [step.id, step.status]));
}

function failedStep(steps: StepResult[]): StepResult & { diagnosis: Diagnosis } {
  const failed = steps.find((step) => step.status === "failed");
  if (!failed?.diagnosis) throw new Error("no step failed");
  return failed as StepResult & { diagnosis: Diagnosis };
}

async function roleFor(account: VendorAws, options: { sub?: string | null; audience?: string; issuerUrl?: string; pullPolicy?: boolean } = {}) {
  const name = `PortalPull${++unique}`;
  const policy = trustPolicyJson({ accountId: account.account.accountId, issuerUrl: options.issuerUrl ?? issuer.url, sub: options.sub === undefined ? team.publicId : options.sub, ...(options.audience ? { audience: options.audience } : {}) });
  return { name, arn: await account.createRole(name, policy, { pullPolicy: options.pullPolicy ?? true }) };
}

describe("IAM authentication against the local AWS", () => {
  it("verifies a correctly set-up role, finds the image, and reports each step as it runs", async () => {
    const role = await roleFor(vendorA);
    const seen: string[] = [];
    const { result, externalMs } = await run(iamTarget(role.arn), { image: { repository: "vendor/app", reference: "1.0" }, onStep: (step) => seen.push(`${step.id}:${step.status}`) });
    expect(result.verdict).toBe("verified");
    expect(statuses(result.steps)).toEqual({ "sign-token": "passed", "assume-role": "passed", "negative-check": "passed", "ecr-token": "passed", "registry-login": "passed", manifest: "passed" });
    expect(result.steps.find((s) => s.id === "manifest")!.detail).toMatch(/sha256:[a-f0-9]{64}/);
    expect(result.steps.find((s) => s.id === "assume-role")!.requestId).toMatch(/\S+/);
    expect(result.steps.find((s) => s.id === "negative-check")!.detail).toMatch(/refused a token for another subject/);
    expect(seen.slice(0, 6)).toEqual(["sign-token:pending", "assume-role:pending", "negative-check:pending", "ecr-token:pending", "registry-login:pending", "manifest:pending"]);
    expect(seen).toContain("assume-role:running");
    expect(seen.indexOf("assume-role:running")).toBeLessThan(seen.indexOf("assume-role:passed"));
    expect(externalMs).toBeGreaterThan(0);
    expect(externalMs).toBeLessThanOrEqual(result.durationMs);
    expect(JSON.stringify(result)).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no token
  });

  it("says unsafe when the trust policy lacks the sub condition, with the JSON to add", async () => {
    const role = await roleFor(vendorA, { sub: null });
    const { result } = await run(iamTarget(role.arn));
    expect(result.verdict).toBe("unsafe");
    const failed = failedStep(result.steps);
    expect(failed.id).toBe("negative-check");
    expect(failed.diagnosis.summary).toMatch(/trusts any subject/);
    // Credentials that any team could obtain are not used to log in to the registry.
    expect(statuses(result.steps)).toMatchObject({ "ecr-token": "skipped", "registry-login": "skipped", manifest: "skipped" });
    expect(result.steps.find((s) => s.id === "ecr-token")!.detail).toMatch(/trusts other teams/);
    expect(JSON.parse(failed.diagnosis.snippet!)).toEqual({ Condition: { StringEquals: { [`${issuer.url.replace("http://", "")}:aud`]: "sts.amazonaws.com", [`${issuer.url.replace("http://", "")}:sub`]: team.publicId } } });
  });

  it("points at step 1 when the account has no OIDC provider for the issuer", async () => {
    const role = await roleFor(new VendorAws(aws.url, D));
    const { result } = await run(iamTarget(role.arn, D.accountId));
    const failed = failedStep(result.steps);
    expect([failed.id, failed.diagnosis.setupStep, failed.diagnosis.awsCode]).toEqual(["assume-role", "provider", "InvalidIdentityToken"]);
    expect(failed.diagnosis.awsMessage).toBe(`No OpenIDConnect provider found in your account for ${issuer.url}`);
    expect(statuses(result.steps)["ecr-token"]).toBe("skipped");
  });

  it("points at the trust policy, showing iss, aud and sub, when the role trusts another team", async () => {
    const role = await roleFor(vendorA, { sub: "team_someoneelseentirely000000" });
    const { result } = await run(iamTarget(role.arn));
    expect(result.verdict).toBe("failing");
    const failed = failedStep(result.steps);
    expect([failed.id, failed.diagnosis.setupStep, failed.diagnosis.awsCode]).toEqual(["assume-role", "role", "AccessDenied"]);
    expect(failed.diagnosis.fix).toContain(team.publicId);
    expect(result.sentClaims).toEqual({ iss: issuer.url, aud: "sts.amazonaws.com", sub: team.publicId });
  });

  it("explains a role that does not exist", async () => {
    const { result } = await run(iamTarget(`arn:aws:iam::${A.accountId}:role/NoSuchRole`));
    const failed = failedStep(result.steps);
    expect([failed.id, failed.diagnosis.awsCode]).toEqual(["assume-role", "AccessDenied"]);
    expect(failed.diagnosis.fix).toMatch(/role does not exist/);
  });

  it("points at step 1 when the provider lacks the sts.amazonaws.com audience", async () => {
    const vendorC = new VendorAws(aws.url, C);
    await vendorC.createProvider(issuer.url, ["not-sts"]);
    const role = await roleFor(vendorC);
    const { result } = await run(iamTarget(role.arn, C.accountId));
    const failed = failedStep(result.steps);
    expect([failed.id, failed.diagnosis.setupStep, failed.diagnosis.awsMessage]).toEqual(["assume-role", "provider", "Incorrect token audience"]);
  });

  it("blames the portal's public URL when AWS cannot fetch the issuer's keys", async () => {
    const closed = await closedPortUrl();
    const unreachable = `${closed}/oidc`;
    pointIssuerAt(unreachable);
    try {
      await vendorA.createProvider(unreachable);
      const role = await roleFor(vendorA, { issuerUrl: unreachable });
      const { result } = await run(iamTarget(role.arn), { issuerUrl: unreachable });
      const failed = failedStep(result.steps);
      expect([failed.id, failed.diagnosis.setupStep, failed.diagnosis.awsCode]).toEqual(["assume-role", "portal", "InvalidIdentityToken"]);
      expect(failed.diagnosis.awsMessage).toMatch(/^Couldn't retrieve verification key from your identity provider/);
    } finally {
      pointIssuerAt(issuer.url);
    }
  });

  it("points at step 1 when the provider's thumbprint does not match the issuer's certificate", async () => {
    const tlsIssuer = await startTestIssuer({ tls: selfSignedCertificate() });
    try {
      await vendorA.createProvider(tlsIssuer.url, ["sts.amazonaws.com"], ["0".repeat(40)]);
      const role = await roleFor(vendorA, { issuerUrl: tlsIssuer.url });
      const { result } = await run(iamTarget(role.arn), { issuerUrl: tlsIssuer.url, thumbprint: "ab".repeat(20) });
      const failed = failedStep(result.steps);
      expect([failed.id, failed.diagnosis.setupStep, failed.diagnosis.awsMessage]).toEqual(["assume-role", "provider", "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"]);
      expect(failed.diagnosis.snippet).toBe("ab".repeat(20));
    } finally {
      await tlsIssuer.close();
      pointIssuerAt(issuer.url);
    }
  });

  it("explains an expired token as a clock problem when AWS's clock is ahead", async () => {
    const ahead = await startLocalAws({ port: 0, accounts: [A], jwksCacheSeconds: 0, now: () => Date.now() + 3_600_000 });
    try {
      const vendor = new VendorAws(ahead.url, A);
      await vendor.createProvider(issuer.url);
      const role = await roleFor(vendor);
      const { result } = await run(iamTarget(role.arn), { endpoints: { sts: ahead.url, ecr: ahead.url, registryOverrides: [] } });
      const failed = failedStep(result.steps);
      expect([failed.id, failed.diagnosis.setupStep, failed.diagnosis.awsCode]).toEqual(["assume-role", "portal", "ExpiredTokenException"]);
      expect(failed.diagnosis.fix).toMatch(/clock/);
    } finally {
      await ahead.close();
    }
  });

  it("quotes the missing ECR permission and points at step 3", async () => {
    const role = await roleFor(vendorA, { pullPolicy: false });
    const { result } = await run(iamTarget(role.arn));
    const failed = failedStep(result.steps);
    expect([failed.id, failed.diagnosis.setupStep, failed.diagnosis.awsCode]).toEqual(["ecr-token", "permissions", "AccessDeniedException"]);
    expect(failed.diagnosis.summary).toContain("ecr:GetAuthorizationToken");
    expect(statuses(result.steps)["negative-check"]).toBe("passed");
  });

  it("points a cross-account role at the repository policy until the registry's account allows it", async () => {
    await vendorB.createProvider(issuer.url);
    const role = await roleFor(vendorB);
    const image = { repository: "vendor/app", reference: "1.0" };
    const before = await run(iamTarget(role.arn, A.accountId), { image });
    const failed = failedStep(before.result.steps);
    expect([failed.id, failed.diagnosis.setupStep]).toEqual(["manifest", "repository-policy"]);
    await vendorA.allowCrossAccountPull(REGION, "vendor/app", role.arn);
    const after = await run(iamTarget(role.arn, A.accountId), { image });
    expect(after.result.verdict).toBe("verified");
  });

  it("reports a missing image against the image, after a successful login", async () => {
    const role = await roleFor(vendorA);
    const { result } = await run(iamTarget(role.arn), { image: { repository: "vendor/app", reference: "does-not-exist" } });
    const failed = failedStep(result.steps);
    expect([failed.id, failed.diagnosis.setupStep, failed.diagnosis.awsCode]).toEqual(["manifest", "image", "MANIFEST_UNKNOWN"]);
    expect(statuses(result.steps)["registry-login"]).toBe("passed");
  });

  it("reports a 401 when the registry refuses the login token", async () => {
    const role = await roleFor(vendorA);
    const other = parseEcrHostname(aws.registryHostname(A.accountId, "us-west-2"));
    if (!other.ok) throw new Error(other.message);
    // The hostname says eu-west-1, but the override sends the login to the us-west-2 registry.
    const { result } = await run(iamTarget(role.arn), { endpoints: { ...endpoints, registryOverrides: [{ hostname: "*", baseUrl: `${aws.url}/_registry/${other.value.hostname}` }] } });
    const failed = failedStep(result.steps);
    expect([failed.id, failed.diagnosis.setupStep]).toEqual(["registry-login", "registry"]);
    expect(failed.diagnosis.summary).toMatch(/401/);
  });
});

describe("access-key authentication against the local AWS", () => {
  it("verifies a working key and names the IAM identity it belongs to", async () => {
    const key = await vendorA.createUserWithKey(`portal-user-${++unique}`);
    const { result } = await run({ authType: "access_key", hostname: hostnameOf(A.accountId), credentials: key }, { image: { repository: "vendor/app", reference: "1.0" } });
    expect(result.verdict).toBe("verified");
    expect(statuses(result.steps)).toEqual({ "caller-identity": "passed", "ecr-token": "passed", "registry-login": "passed", manifest: "passed" });
    expect(result.steps[0]!.detail).toContain(`arn:aws:iam::${A.accountId}:user/portal-user-`);
  });

  it("tells an unknown key from a wrong secret", async () => {
    const unknown = await run({ authType: "access_key", hostname: hostnameOf(A.accountId), credentials: { accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "x".repeat(40) } });
    expect([failedStep(unknown.result.steps).diagnosis.awsCode, failedStep(unknown.result.steps).diagnosis.setupStep]).toEqual(["InvalidClientTokenId", "access-key"]);
    const key = await vendorA.createUserWithKey(`portal-user-${++unique}`);
    const wrong = await run({ authType: "access_key", hostname: hostnameOf(A.accountId), credentials: { ...key, secretAccessKey: "y".repeat(40) } });
    expect([failedStep(wrong.result.steps).diagnosis.awsCode, failedStep(wrong.result.steps).diagnosis.setupStep]).toEqual(["SignatureDoesNotMatch", "access-key"]);
  });

  it("quotes the missing permission for a key without ECR access", async () => {
    const key = await vendorA.createUserWithKey(`portal-user-${++unique}`, { pullPolicy: false });
    const { result } = await run({ authType: "access_key", hostname: hostnameOf(A.accountId), credentials: key });
    const failed = failedStep(result.steps);
    expect([failed.id, failed.diagnosis.setupStep]).toEqual(["ecr-token", "permissions"]);
  });
});

describe("the portal's own AWS identity against the local AWS", () => {
  it("uses the default credential chain (here: the environment) like an access key", async () => {
    const key = await vendorA.createUserWithKey(`portal-itself-${++unique}`);
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = key.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = key.secretAccessKey;
    try {
      const { result } = await run({ authType: "ambient", hostname: hostnameOf(A.accountId) });
      expect(result.verdict).toBe("verified");
      expect(result.steps[0]!.detail).toMatch(/portal's credentials belong to arn:aws:iam::111111111111:user\/portal-itself-/);
    } finally {
      restoreEnv("AWS_ACCESS_KEY_ID", saved.id);
      restoreEnv("AWS_SECRET_ACCESS_KEY", saved.secret);
    }
  });
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

describe("network failures", () => {
  it("explains a refused connection", async () => {
    const closed = await closedPortUrl();
    const key = await vendorA.createUserWithKey(`portal-user-${++unique}`);
    const { result } = await run({ authType: "access_key", hostname: hostnameOf(A.accountId), credentials: key }, { endpoints: { ...endpoints, sts: closed } });
    const failed = failedStep(result.steps);
    expect([failed.id, failed.diagnosis.setupStep]).toEqual(["caller-identity", "network"]);
    expect(failed.diagnosis.summary).toMatch(/refused/);
  });

  it("gives up on an endpoint that never answers after 10 s", async () => {
    const silent = net.createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
      const role = await roleFor(vendorA);
      const started = Date.now();
      const { result } = await run(iamTarget(role.arn), { endpoints: { ...endpoints, sts: url } });
      const failed = failedStep(result.steps);
      expect([failed.id, failed.diagnosis.setupStep]).toEqual(["assume-role", "network"]);
      expect(failed.diagnosis.summary).toMatch(/did not answer within 10 s/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
    } finally {
      silent.close();
    }
  }, 25_000);
});

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "issuer-tls-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "pipe" });
  const pair = { key: fs.readFileSync(path.join(dir, "key.pem"), "utf8"), cert: fs.readFileSync(path.join(dir, "cert.pem"), "utf8") };
  fs.rmSync(dir, { recursive: true, force: true });
  return pair;
}

async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
