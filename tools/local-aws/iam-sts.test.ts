// IAM and STS through the real SDKs: signature checks, the IAM operations a
// vendor uses, users with their own keys and policies, and AssumeRole.
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListOpenIDConnectProvidersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { DescribeRepositoriesCommand } from "@aws-sdk/client-ecr";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { ACCOUNT_A, ACCOUNT_B, clients, expectAwsError, rootCredentials, type Credentials, useLocalAwsPerFile } from "./test-helpers";

const admin = () => clients(local.aws.url, rootCredentials(ACCOUNT_A));
const local = useLocalAwsPerFile();

const INVALID_TOKEN = "The security token included in the request is invalid.";
const BAD_SIGNATURE =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

function trustAccount(accountId: string) {
  return JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "sts:AssumeRole" }] });
}

async function assumedSession(roleName = "Deployer", policy?: string): Promise<Credentials> {
  await admin().iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trustAccount(ACCOUNT_A.accountId) }));
  if (policy) await admin().iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "inline", PolicyDocument: policy }));
  const { Credentials } = await admin().sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT_A.accountId}:role/${roleName}`, RoleSessionName: "ci", DurationSeconds: 900 }));
  return { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
}

describe("SigV4", () => {
  it("answers GetCallerIdentity for an account's root key", async () => {
    const identity = await admin().sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: ACCOUNT_A.accountId, Arn: `arn:aws:iam::${ACCOUNT_A.accountId}:root`, UserId: ACCOUNT_A.accountId });
    expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a wrong secret with SignatureDoesNotMatch on STS and IAM", async () => {
    const wrong = clients(local.aws.url, { ...rootCredentials(ACCOUNT_A), secretAccessKey: "not-the-secret" });
    await expectAwsError(wrong.sts.send(new GetCallerIdentityCommand({})), { code: "SignatureDoesNotMatch", message: BAD_SIGNATURE, status: 403 });
    await expectAwsError(wrong.iam.send(new ListOpenIDConnectProvidersCommand({})), { code: "SignatureDoesNotMatch", message: BAD_SIGNATURE, status: 403 });
  });

  it("refuses a wrong secret with InvalidSignatureException on ECR", async () => {
    const wrong = clients(local.aws.url, { ...rootCredentials(ACCOUNT_A), secretAccessKey: "not-the-secret" });
    await expectAwsError(wrong.ecr.send(new DescribeRepositoriesCommand({})), { code: "InvalidSignatureException", message: BAD_SIGNATURE, status: 400 });
  });

  it("refuses an unknown access key with InvalidClientTokenId on STS and IAM and UnrecognizedClientException on ECR", async () => {
    const unknown = clients(local.aws.url, { accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "whatever" });
    await expectAwsError(unknown.sts.send(new GetCallerIdentityCommand({})), { code: "InvalidClientTokenId", message: INVALID_TOKEN, status: 403 });
    await expectAwsError(unknown.iam.send(new ListOpenIDConnectProvidersCommand({})), { code: "InvalidClientTokenId", message: INVALID_TOKEN, status: 403 });
    await expectAwsError(unknown.ecr.send(new DescribeRepositoriesCommand({})), { code: "UnrecognizedClientException", message: INVALID_TOKEN, status: 400 });
  });

  it("verifies temporary credentials with their session token", async () => {
    const session = await assumedSession();
    const identity = await clients(local.aws.url, session).sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(`arn:aws:sts::${ACCOUNT_A.accountId}:assumed-role/Deployer/ci`);
    expect(identity.UserId).toMatch(/^AROA[A-Z2-7]{17}:ci$/);
    const withoutToken = clients(local.aws.url, { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey });
    await expectAwsError(withoutToken.sts.send(new GetCallerIdentityCommand({})), { code: "InvalidClientTokenId", message: INVALID_TOKEN, status: 403 });
    const otherToken = clients(local.aws.url, { ...session, sessionToken: `${session.sessionToken!.slice(0, -4)}AAAA` });
    await expectAwsError(otherToken.sts.send(new GetCallerIdentityCommand({})), { code: "InvalidClientTokenId", message: INVALID_TOKEN, status: 403 });
  });

  it("refuses expired temporary credentials with ExpiredToken on STS and ExpiredTokenException on ECR", async () => {
    const session = await assumedSession();
    local.clockOffsetMs = 901_000;
    const expired = clients(local.aws.url, session);
    await expectAwsError(expired.sts.send(new GetCallerIdentityCommand({})), { code: "ExpiredToken", message: "The security token included in the request is expired", status: 403 });
    await expectAwsError(expired.ecr.send(new DescribeRepositoriesCommand({})), { code: "ExpiredTokenException", message: "The security token included in the request is expired", status: 400 });
  });

  it("refuses a request signed more than 15 minutes ago, as AWS does", async () => {
    const url = new URL(local.aws.url);
    const signer = new SignatureV4({ service: "sts", region: "us-east-1", credentials: rootCredentials(ACCOUNT_A), sha256: Sha256 });
    const body = "Action=GetCallerIdentity&Version=2011-06-15";
    const signed = await signer.sign(
      new HttpRequest({ method: "POST", protocol: "http:", hostname: url.hostname, port: Number(url.port), path: "/", headers: { host: url.host, "content-type": "application/x-www-form-urlencoded" }, body }),
      { signingDate: new Date(Date.now() - 20 * 60_000) },
    );
    const response = await fetch(local.aws.url, { method: "POST", headers: signed.headers, body });
    expect(response.status).toBe(403);
    const text = await response.text();
    expect(text).toContain("<Code>SignatureDoesNotMatch</Code>");
    expect(text).toMatch(/<Message>Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)<\/Message>/);
  });

  it("puts a request ID on every response, the reset endpoint's included", async () => {
    for (const [path, init] of [["/", { method: "POST" }], ["/v2/", {}], ["/_registry/111111111111.dkr.ecr.us-east-1.amazonaws.com/v2/", {}], ["/_layers/x", {}]] as const) {
      const response = await fetch(`${local.aws.url}${path}`, init);
      expect(response.headers.get("x-amzn-requestid"), path).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("refuses an unsigned IAM call with MissingAuthenticationToken", async () => {
    const response = await fetch(local.aws.url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "Action=ListRoles&Version=2010-05-08" });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("<Code>MissingAuthenticationToken</Code>");
  });
});

describe("IAM", () => {
  it("creates, reads, lists and deletes OpenID Connect providers, and refuses a duplicate", async () => {
    const { OpenIDConnectProviderArn } = await admin().iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: "https://portal.example.com/oidc", ClientIDList: ["sts.amazonaws.com"], ThumbprintList: ["A".repeat(40)] }),
    );
    expect(OpenIDConnectProviderArn).toBe(`arn:aws:iam::${ACCOUNT_A.accountId}:oidc-provider/portal.example.com/oidc`);
    const provider = await admin().iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn }));
    expect(provider).toMatchObject({ Url: "portal.example.com/oidc", ClientIDList: ["sts.amazonaws.com"], ThumbprintList: ["a".repeat(40)] });
    expect((await admin().iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toEqual([{ Arn: OpenIDConnectProviderArn }]);
    await expectAwsError(admin().iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://portal.example.com/oidc", ClientIDList: ["sts.amazonaws.com"] })), {
      code: "EntityAlreadyExists",
      name: "EntityAlreadyExistsException",
      message: "Provider with url https://portal.example.com/oidc already exists.",
      status: 409,
    });
    await admin().iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn }));
    await expectAwsError(admin().iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn })), {
      code: "NoSuchEntity",
      message: `OpenIDConnect Provider not found for arn ${OpenIDConnectProviderArn}`,
      status: 404,
    });
  });

  it("keeps each account's providers and roles to itself", async () => {
    await admin().iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://portal.example.com", ClientIDList: ["sts.amazonaws.com"] }));
    const accountB = clients(local.aws.url, rootCredentials(ACCOUNT_B));
    expect((await accountB.iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toEqual([]);
  });

  it("refuses a thumbprint that is not 40 hexadecimal characters", async () => {
    await expectAwsError(admin().iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://portal.example.com", ClientIDList: ["sts.amazonaws.com"], ThumbprintList: ["abc"] })), {
      code: "ValidationError",
      message: /thumbprintList/,
      status: 400,
    });
  });

  it("creates a role, updates its trust policy and manages inline and managed policies", async () => {
    const { Role } = await admin().iam.send(new CreateRoleCommand({ RoleName: "PortalPull", AssumeRolePolicyDocument: trustAccount(ACCOUNT_A.accountId), MaxSessionDuration: 7200 }));
    expect(Role).toMatchObject({ RoleName: "PortalPull", Arn: `arn:aws:iam::${ACCOUNT_A.accountId}:role/PortalPull`, MaxSessionDuration: 7200, Path: "/" });
    expect(Role!.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!))).toEqual(JSON.parse(trustAccount(ACCOUNT_A.accountId)));
    await admin().iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "PortalPull", PolicyDocument: trustAccount(ACCOUNT_B.accountId) }));
    const updated = await admin().iam.send(new GetRoleCommand({ RoleName: "PortalPull" }));
    expect(decodeURIComponent(updated.Role!.AssumeRolePolicyDocument!)).toContain(ACCOUNT_B.accountId);

    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }] });
    await admin().iam.send(new PutRolePolicyCommand({ RoleName: "PortalPull", PolicyName: "login", PolicyDocument: policy }));
    expect(decodeURIComponent((await admin().iam.send(new GetRolePolicyCommand({ RoleName: "PortalPull", PolicyName: "login" }))).PolicyDocument!)).toBe(policy);
    await admin().iam.send(new AttachRolePolicyCommand({ RoleName: "PortalPull", PolicyArn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly" }));

    await expectAwsError(admin().iam.send(new DeleteRoleCommand({ RoleName: "PortalPull" })), { code: "DeleteConflict", message: "Cannot delete entity, must delete policies first.", status: 409 });
    await admin().iam.send(new DeleteRolePolicyCommand({ RoleName: "PortalPull", PolicyName: "login" }));
    await expectAwsError(admin().iam.send(new DeleteRoleCommand({ RoleName: "PortalPull" })), { code: "DeleteConflict", message: "Cannot delete entity, must detach all policies first.", status: 409 });
    await admin().iam.send(new DetachRolePolicyCommand({ RoleName: "PortalPull", PolicyArn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly" }));
    await admin().iam.send(new DeleteRoleCommand({ RoleName: "PortalPull" }));
    await expectAwsError(admin().iam.send(new GetRoleCommand({ RoleName: "PortalPull" })), {
      code: "NoSuchEntity",
      name: "NoSuchEntityException",
      message: "The role with name PortalPull cannot be found.",
      status: 404,
    });
  });

  it("refuses a duplicate role, a malformed policy, an unknown managed policy and a MaxSessionDuration over 12 hours", async () => {
    await admin().iam.send(new CreateRoleCommand({ RoleName: "PortalPull", AssumeRolePolicyDocument: trustAccount(ACCOUNT_A.accountId) }));
    await expectAwsError(admin().iam.send(new CreateRoleCommand({ RoleName: "PortalPull", AssumeRolePolicyDocument: trustAccount(ACCOUNT_A.accountId) })), {
      code: "EntityAlreadyExists",
      message: "Role with name PortalPull already exists.",
      status: 409,
    });
    await expectAwsError(admin().iam.send(new PutRolePolicyCommand({ RoleName: "PortalPull", PolicyName: "bad", PolicyDocument: "{not json" })), {
      code: "MalformedPolicyDocument",
      message: "Syntax errors in policy.",
      status: 400,
    });
    await expectAwsError(admin().iam.send(new AttachRolePolicyCommand({ RoleName: "PortalPull", PolicyArn: "arn:aws:iam::aws:policy/NoSuchPolicy" })), {
      code: "NoSuchEntity",
      message: "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.",
      status: 404,
    });
    await expectAwsError(admin().iam.send(new CreateRoleCommand({ RoleName: "Long", AssumeRolePolicyDocument: trustAccount(ACCOUNT_A.accountId), MaxSessionDuration: 50000 })), {
      code: "ValidationError",
      message: "1 validation error detected: Value '50000' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200",
      status: 400,
    });
  });

  it("refuses a trust policy naming a role that does not exist", async () => {
    const missing = `arn:aws:iam::${ACCOUNT_B.accountId}:role/NotCreatedYet`;
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: missing }, Action: "sts:AssumeRole" }] });
    await expectAwsError(admin().iam.send(new CreateRoleCommand({ RoleName: "TrustsNobody", AssumeRolePolicyDocument: trust })), {
      code: "MalformedPolicyDocument",
      message: `Invalid principal in policy: "AWS":"${missing}"`,
      status: 400,
    });
  });

  it("lets a user with its own key act only as far as its policies allow", async () => {
    await admin().iam.send(new CreateUserCommand({ UserName: "ci" }));
    const { AccessKey } = await admin().iam.send(new CreateAccessKeyCommand({ UserName: "ci" }));
    expect(AccessKey!.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    const user = clients(local.aws.url, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! });
    expect((await user.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:iam::${ACCOUNT_A.accountId}:user/ci`);
    await expectAwsError(user.iam.send(new ListOpenIDConnectProvidersCommand({})), {
      code: "AccessDenied",
      message: `User: arn:aws:iam::${ACCOUNT_A.accountId}:user/ci is not authorized to perform: iam:ListOpenIDConnectProviders on resource: * because no identity-based policy allows the iam:ListOpenIDConnectProviders action`,
      status: 403,
    });
    await admin().iam.send(
      new PutUserPolicyCommand({ UserName: "ci", PolicyName: "oidc-read", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:List*", Resource: "*" }] }) }),
    );
    await expect(user.iam.send(new ListOpenIDConnectProvidersCommand({}))).resolves.toMatchObject({ OpenIDConnectProviderList: [] });
  });
});

describe("AssumeRole", () => {
  it("lets another account assume a role that trusts it, when its own policies allow sts:AssumeRole", async () => {
    await admin().iam.send(new CreateRoleCommand({ RoleName: "CrossAccount", AssumeRolePolicyDocument: trustAccount(ACCOUNT_B.accountId) }));
    const accountB = clients(local.aws.url, rootCredentials(ACCOUNT_B));
    const { AssumedRoleUser } = await accountB.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT_A.accountId}:role/CrossAccount`, RoleSessionName: "vendor-b" }));
    expect(AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT_A.accountId}:assumed-role/CrossAccount/vendor-b`);
  });

  it("refuses a role whose trust policy does not name the caller", async () => {
    await admin().iam.send(new CreateRoleCommand({ RoleName: "Private", AssumeRolePolicyDocument: trustAccount(ACCOUNT_A.accountId) }));
    const accountB = clients(local.aws.url, rootCredentials(ACCOUNT_B));
    const roleArn = `arn:aws:iam::${ACCOUNT_A.accountId}:role/Private`;
    await expectAwsError(accountB.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "vendor-b" })), {
      code: "AccessDenied",
      message: `User: arn:aws:iam::${ACCOUNT_B.accountId}:root is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      status: 403,
    });
  });
});
