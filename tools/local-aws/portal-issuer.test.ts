// Tokens from the portal's real issuer (its route handlers, signing keys in
// the real Postgres, and the trust and permissions policies the portal tells
// vendors to apply) against the emulator's STS, ECR and registry endpoint.
import { GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { AssumeRoleWithWebIdentityCommand } from "@aws-sdk/client-sts";
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPermissionsPolicy } from "@/lib/aws/permissions-policy";
import { buildTrustPolicy, oidcProviderArn, STS_AUDIENCE } from "@/lib/aws/trust-policy";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { getKeySnapshot } from "@/lib/oidc/key-cache";
import { mintWebIdentityToken } from "@/lib/oidc/web-identity-token";
import { startTestIssuer, type TestIssuer } from "@/test/support/issuer-server";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { startLocalAws, type LocalAws } from "./local-aws";
import { ACCOUNT_A, REGION, basicAuth, clients, expectAwsError, passwordOf, rootCredentials } from "./test-helpers";
import { KEY_RETRIEVAL_FAILED } from "./web-identity";

let aws: LocalAws;
let portal: TestIssuer;
let issuerUrl: string;
let roleArn: string;
let victim: { teamId: string; publicId: string };
let attacker: { teamId: string; publicId: string };

async function createTeam(name: string) {
  const { teamId } = await signUp({ name, email: `${name}@example.com`, password: "correct horse battery staple", teamName: `${name} team` });
  const team = await prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { publicId: true } });
  return { teamId, publicId: team.publicId };
}

function assume(token: string) {
  return clients(aws.url).sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: "registry-test", WebIdentityToken: token }));
}

beforeAll(async () => {
  await useIsolatedDatabase("local_aws_portal_issuer");
  // The route handlers, as `next dev` serves them; the production server's fast path is covered by lib/registry-test.
  portal = await startTestIssuer({ via: "routes" });
  issuerUrl = portal.url;
  victim = await createTeam("victim");
  attacker = await createTeam("attacker");

  aws = await startLocalAws({ port: 0, accounts: [ACCOUNT_A], jwksCacheSeconds: 0 });
  const admin = clients(aws.url, rootCredentials(ACCOUNT_A));
  await admin.iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuerUrl, ClientIDList: ["sts.amazonaws.com"] }));
  const trust = buildTrustPolicy({ issuerUrl, subject: victim.publicId, partition: "aws", accountId: ACCOUNT_A.accountId });
  const { Role } = await admin.iam.send(new CreateRoleCommand({ RoleName: "PortalRegistryPull", AssumeRolePolicyDocument: JSON.stringify(trust) }));
  roleArn = Role!.Arn!;
  const permissions = buildPermissionsPolicy({ partition: "aws", region: REGION, accountId: ACCOUNT_A.accountId, scope: { kind: "registry" } });
  await admin.iam.send(new PutRolePolicyCommand({ RoleName: "PortalRegistryPull", PolicyName: "PortalPull", PolicyDocument: JSON.stringify(permissions) }));
  aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "vendor/app", tag: "1.0" });
});

afterAll(async () => {
  await aws?.close();
  await portal?.close();
  delete process.env.OIDC_ISSUER_URL;
  resetEnvCache();
});

describe("tokens from the portal's issuer", () => {
  it("are accepted for the team the trust policy names, and the session can pull", async () => {
    const minted = await mintWebIdentityToken({ teamId: victim.teamId, purpose: "registry-test", audience: STS_AUDIENCE });
    const result = await assume(minted.token);
    expect(result.SubjectFromWebIdentityToken).toBe(victim.publicId);
    expect(result.Provider).toBe(oidcProviderArn("aws", ACCOUNT_A.accountId, issuerUrl));
    const session = clients(aws.url, { accessKeyId: result.Credentials!.AccessKeyId!, secretAccessKey: result.Credentials!.SecretAccessKey!, sessionToken: result.Credentials!.SessionToken! });
    const { authorizationData } = await session.ecr.send(new GetAuthorizationTokenCommand({}));
    const manifest = await fetch(`${authorizationData![0]!.proxyEndpoint}/v2/vendor/app/manifests/1.0`, {
      method: "HEAD",
      headers: { Authorization: basicAuth(passwordOf(authorizationData![0]!.authorizationToken!)) },
    });
    expect(manifest.status).toBe(200);
  });

  it("are refused for another team's subject", async () => {
    const minted = await mintWebIdentityToken({ teamId: attacker.teamId, purpose: "registry-test", audience: STS_AUDIENCE });
    await expectAwsError(assume(minted.token), { code: "AccessDenied", message: "Not authorized to perform sts:AssumeRoleWithWebIdentity", status: 403 });
  });

  it("are refused when signed by a foreign key, under the issuer's kid or another", async () => {
    const minted = await mintWebIdentityToken({ teamId: victim.teamId, purpose: "registry-test", audience: STS_AUDIENCE });
    const foreign = await generateKeyPair("RS256");
    const claims = decodeJwt(minted.token);
    const sameKid = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: decodeProtectedHeader(minted.token).kid!, typ: "JWT" }).sign(foreign.privateKey);
    await expectAwsError(assume(sameKid), { code: "InvalidIdentityToken", message: "Signature validation failed for the token", status: 400 });
    const otherKid = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "foreign", typ: "JWT" }).sign(foreign.privateKey);
    await expectAwsError(assume(otherKid), { code: "InvalidIdentityToken", message: KEY_RETRIEVAL_FAILED, status: 400 });
  });

  it("are refused once expired", async () => {
    const issuedAt = new Date(Date.now() - 10 * 60_000);
    const minted = await mintWebIdentityToken({ teamId: victim.teamId, purpose: "registry-test", audience: STS_AUDIENCE, now: issuedAt });
    await expectAwsError(assume(minted.token), {
      code: "ExpiredTokenException",
      message: new RegExp(`^Token expired: current date/time \\d{10} must be before the expiration date/time ${minted.claims.exp}$`),
      status: 400,
    });
  });

  it("are refused with an audience other than sts.amazonaws.com", async () => {
    const minted = await mintWebIdentityToken({ teamId: victim.teamId, purpose: "registry-test", audience: STS_AUDIENCE });
    const snapshot = await getKeySnapshot();
    const wrongAudience = await new SignJWT({ ...decodeJwt(minted.token), aud: "portal.example.com" })
      .setProtectedHeader({ alg: "RS256", kid: snapshot.signing!.kid, typ: "JWT" })
      .sign(snapshot.signing!.privateKey);
    await expectAwsError(assume(wrongAudience), { code: "InvalidIdentityToken", message: "Incorrect token audience", status: 400 });
  });
});
