// Shared set-up for the emulator's tests: two accounts, SDK clients that do
// not retry, and an assertion on AWS errors as the SDK surfaces them.
import { ECRClient } from "@aws-sdk/client-ecr";
import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { startLocalAws, type LocalAws } from "./local-aws";
import type { LocalAwsAccount } from "./state";

export const ACCOUNT_A: LocalAwsAccount = { accountId: "111111111111", accessKeyId: "AKIATESTACCOUNTA0001", secretAccessKey: "testSecretKeyForAccountA0000000000000001" };
export const ACCOUNT_B: LocalAwsAccount = { accountId: "222222222222", accessKeyId: "AKIATESTACCOUNTB0002", secretAccessKey: "testSecretKeyForAccountB0000000000000002" };
export const REGION = "us-east-1";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function rootCredentials(account: LocalAwsAccount): Credentials {
  return { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey };
}

export function clients(url: string, credentials?: Credentials, region = REGION) {
  const common = { endpoint: url, region, maxAttempts: 1, ...(credentials ? { credentials } : {}) };
  return { iam: new IAMClient(common), sts: new STSClient(common), ecr: new ECRClient(common) };
}

/**
 * The SDK's error for a rejected call, with AWS's wire code, message, status
 * and request ID checked. `code` is the code on the wire (for the Query
 * protocol the SDK keeps it as `Code`, and may name the error class
 * differently, e.g. InvalidIdentityToken → InvalidIdentityTokenException,
 * which `name` checks when given).
 */
export async function expectAwsError(call: Promise<unknown>, expected: { code: string; name?: string; message: string | RegExp; status: number }): Promise<void> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught as { name: string; Code?: string; message: string; $metadata: { httpStatusCode?: number; requestId?: string } },
  );
  expect(error, "the call should have failed").toBeDefined();
  expect(error!.Code ?? error!.name).toBe(expected.code);
  if (expected.name) expect(error!.name).toBe(expected.name);
  if (typeof expected.message === "string") expect(error!.message).toBe(expected.message);
  else expect(error!.message).toMatch(expected.message);
  expect(error!.$metadata.httpStatusCode).toBe(expected.status);
  expect(error!.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
}

export function webIdentityTrustPolicy(providerArn: string, providerPath: string, condition: Record<string, Record<string, string | string[]>>): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Federated: providerArn }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }],
  });
}

export function pullPolicy(resource: string | string[] = "*"): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      { Sid: "EcrPull", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: resource },
    ],
  });
}

/** The password inside an ECR authorization token (base64 of `AWS:<password>`). */
export function passwordOf(authorizationToken: string): string {
  const decoded = Buffer.from(authorizationToken, "base64").toString("utf8");
  expect(decoded.startsWith("AWS:")).toBe(true);
  return decoded.slice(4);
}

export function basicAuth(password: string): string {
  return `Basic ${Buffer.from(`AWS:${password}`).toString("base64")}`;
}

/** Temporary credentials of a new role in the account, with the given inline policy and managed policies. */
export async function roleSession(url: string, account: LocalAwsAccount, roleName: string, options: { policy?: string; managed?: string[] } = {}): Promise<Credentials & { arn: string }> {
  const { CreateRoleCommand, PutRolePolicyCommand, AttachRolePolicyCommand } = await import("@aws-sdk/client-iam");
  const { AssumeRoleCommand } = await import("@aws-sdk/client-sts");
  const admin = clients(url, rootCredentials(account));
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account.accountId}:root` }, Action: "sts:AssumeRole" }] });
  await admin.iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust }));
  if (options.policy) await admin.iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "inline", PolicyDocument: options.policy }));
  for (const arn of options.managed ?? []) await admin.iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
  const { Credentials, AssumedRoleUser } = await admin.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account.accountId}:role/${roleName}`, RoleSessionName: "tests" }));
  return { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken!, arn: AssumedRoleUser!.Arn! };
}

/**
 * One local AWS for a test file, reset before each test, with a clock the
 * tests can move forward (`local.clockOffsetMs = …`).
 */
export function useLocalAwsPerFile(accounts: LocalAwsAccount[] = [ACCOUNT_A, ACCOUNT_B]): { aws: LocalAws; clockOffsetMs: number } {
  const local = { aws: undefined as unknown as LocalAws, clockOffsetMs: 0 };
  beforeAll(async () => {
    local.aws = await startLocalAws({ port: 0, accounts, now: () => Date.now() + local.clockOffsetMs });
  });
  afterAll(async () => {
    await local.aws?.close();
  });
  beforeEach(() => {
    local.aws.reset();
    local.clockOffsetMs = 0;
  });
  return local;
}
