// The emulator with clients that are not ours: the AWS CLI (Debian package
// awscli) through --endpoint-url with credentials from the environment, and
// skopeo against the registry endpoint.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalAws, type LocalAws } from "./local-aws";
import { ACCOUNT_A, REGION, webIdentityTrustPolicy } from "./test-helpers";
import { startTestIssuer, type TestIssuer } from "./test-issuer";

const run = promisify(execFile);
const AWS_CLI = process.env.AWS_CLI ?? (fs.existsSync("/usr/bin/aws") ? "/usr/bin/aws" : "aws");

let aws: LocalAws;
let issuer: TestIssuer;
let home: string;

beforeAll(async () => {
  aws = await startLocalAws({ port: 0, accounts: [ACCOUNT_A], jwksCacheSeconds: 0 });
  issuer = await startTestIssuer();
  home = fs.mkdtempSync(path.join(os.tmpdir(), "local-aws-cli-"));
});

afterAll(async () => {
  await aws.close();
  await issuer.close();
  fs.rmSync(home, { recursive: true, force: true });
});

beforeEach(() => {
  aws.reset();
});

/** A minimal environment for a command-line tool: nothing of the machine's AWS or registry configuration. */
function toolEnvironment(): NodeJS.ProcessEnv {
  return { NODE_ENV: "test", PATH: process.env.PATH, HOME: home };
}

/** The CLI with only the given credentials: no profile, config file or instance metadata of the machine. */
function cliEnvironment(credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): NodeJS.ProcessEnv {
  return {
    ...toolEnvironment(),
    AWS_CONFIG_FILE: path.join(home, "config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, "credentials"),
    AWS_DEFAULT_REGION: REGION,
    AWS_PAGER: "",
    AWS_EC2_METADATA_DISABLED: "true",
    ...(credentials ? { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey } : {}),
    ...(credentials?.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
  };
}

async function awsCli(args: string[], credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): Promise<Record<string, unknown>> {
  const { stdout } = await run(AWS_CLI, ["--endpoint-url", aws.url, "--output", "json", ...args], { env: cliEnvironment(credentials) });
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
}

async function awsCliFailure(args: string[], credentials: { accessKeyId: string; secretAccessKey: string }): Promise<string> {
  const failure = await run(AWS_CLI, ["--endpoint-url", aws.url, ...args], { env: cliEnvironment(credentials) }).then(
    () => undefined,
    (error: { stderr: string; code: number }) => error,
  );
  expect(failure, "the CLI should have failed").toBeDefined();
  expect(failure!.code).not.toBe(0);
  return failure!.stderr.trim();
}

describe("the AWS CLI", () => {
  it("creates an OpenID Connect provider and answers get-caller-identity with credentials from the environment", async () => {
    const root = { accessKeyId: ACCOUNT_A.accessKeyId, secretAccessKey: ACCOUNT_A.secretAccessKey };
    const created = await awsCli(
      ["iam", "create-open-id-connect-provider", "--url", "https://portal.example.com/oidc", "--client-id-list", "sts.amazonaws.com", "--thumbprint-list", "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
      root,
    );
    expect(created.OpenIDConnectProviderArn).toBe(`arn:aws:iam::${ACCOUNT_A.accountId}:oidc-provider/portal.example.com/oidc`);
    const identity = await awsCli(["sts", "get-caller-identity"], root);
    expect(identity).toEqual({ UserId: ACCOUNT_A.accountId, Account: ACCOUNT_A.accountId, Arn: `arn:aws:iam::${ACCOUNT_A.accountId}:root` });
  });

  it("reports AWS's error code and message for a wrong secret", async () => {
    const stderr = await awsCliFailure(["sts", "get-caller-identity"], { accessKeyId: ACCOUNT_A.accessKeyId, secretAccessKey: "wrong" });
    expect(stderr).toContain(
      "An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: The request signature we calculated does not match the signature you provided.",
    );
  });

  it("runs the vendor's setup commands and assumes the role with a web identity token, unsigned", async () => {
    const root = { accessKeyId: ACCOUNT_A.accessKeyId, secretAccessKey: ACCOUNT_A.secretAccessKey };
    const providerPath = issuer.url.replace(/^https?:\/\//, "");
    // Older CLIs (Debian's 2.9) still require a thumbprint; it does not apply to an http:// issuer.
    const { OpenIDConnectProviderArn } = await awsCli(
      ["iam", "create-open-id-connect-provider", "--url", issuer.url, "--client-id-list", "sts.amazonaws.com", "--thumbprint-list", "0".repeat(40)],
      root,
    );
    const trust = webIdentityTrustPolicy(String(OpenIDConnectProviderArn), providerPath, { StringEquals: { [`${providerPath}:aud`]: "sts.amazonaws.com", [`${providerPath}:sub`]: "team_cli" } });
    const { Role } = (await awsCli(["iam", "create-role", "--role-name", "PortalPull", "--assume-role-policy-document", trust], root)) as { Role: { Arn: string } };
    await awsCli(["iam", "attach-role-policy", "--role-name", "PortalPull", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"], root);
    const assumed = (await awsCli([
      "sts",
      "assume-role-with-web-identity",
      "--role-arn",
      Role.Arn,
      "--role-session-name",
      "cli",
      "--web-identity-token",
      await issuer.mint({ sub: "team_cli" }),
    ])) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
    const session = { accessKeyId: assumed.Credentials.AccessKeyId, secretAccessKey: assumed.Credentials.SecretAccessKey, sessionToken: assumed.Credentials.SessionToken };
    expect((await awsCli(["sts", "get-caller-identity"], session)).Arn).toBe(`arn:aws:sts::${ACCOUNT_A.accountId}:assumed-role/PortalPull/cli`);
    const { stdout: password } = await run(AWS_CLI, ["--endpoint-url", aws.url, "ecr", "get-login-password"], { env: cliEnvironment(session) });
    const ping = await fetch(`${aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/`, { headers: { Authorization: `Basic ${Buffer.from(`AWS:${password.trim()}`).toString("base64")}` } });
    expect(ping.status).toBe(200);
  });
});

describe("skopeo", () => {
  it("inspects the fixture image through the registry endpoint with an ECR login password", async () => {
    const image = aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "vendor/app", tag: "1.0" });
    const { stdout: password } = await run(AWS_CLI, ["--endpoint-url", aws.url, "ecr", "get-login-password"], {
      env: cliEnvironment({ accessKeyId: ACCOUNT_A.accessKeyId, secretAccessKey: ACCOUNT_A.secretAccessKey }),
    });
    const { stdout } = await run("skopeo", ["inspect", "--tls-verify=false", "--creds", `AWS:${password.trim()}`, `docker://127.0.0.1:${aws.port}/vendor/app:1.0`], { env: toolEnvironment() });
    const inspected = JSON.parse(stdout) as { Digest: string; RepoTags: string[]; Layers: string[]; Os: string };
    expect(inspected.Digest).toBe(image.digest);
    expect(inspected.RepoTags).toEqual(["1.0"]);
    expect(inspected.Layers).toEqual(image.layerDigests);
    expect(inspected.Os).toBe("linux");
  });

  it("copies the whole image, following blob redirects to layer storage and checking every digest", async () => {
    const image = aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "app", tag: "oci", format: "oci" });
    const { authorizationData } = (await awsCli(["ecr", "get-authorization-token"], { accessKeyId: ACCOUNT_A.accessKeyId, secretAccessKey: ACCOUNT_A.secretAccessKey })) as {
      authorizationData: { authorizationToken: string }[];
    };
    const credentials = Buffer.from(authorizationData[0]!.authorizationToken, "base64").toString("utf8");
    const target = path.join(home, "copy");
    await run("skopeo", ["copy", "--src-tls-verify=false", "--src-creds", credentials, `docker://127.0.0.1:${aws.port}/app:oci`, `dir:${target}`], { env: toolEnvironment() });
    expect(fs.readFileSync(path.join(target, "manifest.json"), "utf8")).toBe(image.manifest);
    for (const digest of [image.configDigest, ...image.layerDigests]) expect(fs.existsSync(path.join(target, digest.slice("sha256:".length)))).toBe(true);
  });

  it("pushes an image into another repository with skopeo copy", async () => {
    const image = aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "source", tag: "1.0" });
    const root = { accessKeyId: ACCOUNT_A.accessKeyId, secretAccessKey: ACCOUNT_A.secretAccessKey };
    await awsCli(["ecr", "create-repository", "--repository-name", "copied"], root);
    const { stdout: password } = await run(AWS_CLI, ["--endpoint-url", aws.url, "ecr", "get-login-password"], { env: cliEnvironment(root) });
    const registry = `127.0.0.1:${aws.port}`;
    await run(
      "skopeo",
      ["copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--src-creds", `AWS:${password.trim()}`, "--dest-creds", `AWS:${password.trim()}`, `docker://${registry}/source:1.0`, `docker://${registry}/copied:2.0`],
      { env: toolEnvironment() },
    );
    const { imageDetails } = (await awsCli(["ecr", "describe-images", "--repository-name", "copied"], root)) as { imageDetails: { imageDigest: string; imageTags: string[] }[] };
    expect(imageDetails).toEqual([expect.objectContaining({ imageDigest: image.digest, imageTags: ["2.0"] })]);
  });
});
