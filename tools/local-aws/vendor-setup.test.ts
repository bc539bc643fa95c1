// The whole setup a vendor does in AWS, against the emulator with the real
// SDKs: an OpenID Connect provider, a role trusting one subject, pull
// permissions, then the portal's path: web identity → credentials → ECR
// login → registry ping → manifest.
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { AttachRolePolicyCommand, CreateOpenIDConnectProviderCommand, CreateRoleCommand, GetOpenIDConnectProviderCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalAws, type LocalAws } from "./local-aws";
import { ACCOUNT_A, REGION, basicAuth, clients, passwordOf, pullPolicy, rootCredentials, webIdentityTrustPolicy } from "./test-helpers";
import { startTestIssuer, type TestIssuer } from "./test-issuer";

let aws: LocalAws;
let issuer: TestIssuer;

beforeAll(async () => {
  aws = await startLocalAws({ port: 0, accounts: [ACCOUNT_A], jwksCacheSeconds: 0 });
  issuer = await startTestIssuer();
});

afterAll(async () => {
  await aws.close();
  await issuer.close();
});

describe("a vendor's setup, end to end", () => {
  it("lets a trusted subject assume the role, log in to ECR and read a manifest through the registry endpoint", async () => {
    const admin = clients(aws.url, rootCredentials(ACCOUNT_A));
    const providerPath = issuer.url.replace(/^https?:\/\//, "");
    const { OpenIDConnectProviderArn } = await admin.iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ["sts.amazonaws.com"] }));
    expect(OpenIDConnectProviderArn).toBe(`arn:aws:iam::${ACCOUNT_A.accountId}:oidc-provider/${providerPath}`);
    const provider = await admin.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn }));
    expect(provider.Url).toBe(providerPath);
    expect(provider.ClientIDList).toEqual(["sts.amazonaws.com"]);

    const { Role } = await admin.iam.send(
      new CreateRoleCommand({
        RoleName: "PortalPull",
        AssumeRolePolicyDocument: webIdentityTrustPolicy(OpenIDConnectProviderArn!, providerPath, { StringEquals: { [`${providerPath}:aud`]: "sts.amazonaws.com", [`${providerPath}:sub`]: "team_vendor" } }),
      }),
    );
    await admin.iam.send(new PutRolePolicyCommand({ RoleName: "PortalPull", PolicyName: "pull", PolicyDocument: pullPolicy(`arn:aws:ecr:${REGION}:${ACCOUNT_A.accountId}:repository/*`) }));
    await admin.iam.send(new AttachRolePolicyCommand({ RoleName: "PortalPull", PolicyArn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly" }));
    const image = aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "vendor/app", tag: "1.0.0" });

    const anonymous = clients(aws.url);
    const assumed = await anonymous.sts.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: Role!.Arn, RoleSessionName: "portal-test", WebIdentityToken: await issuer.mint({ sub: "team_vendor" }), DurationSeconds: 900 }),
    );
    expect(assumed.Credentials!.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(assumed.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(890_000);
    expect(assumed.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT_A.accountId}:assumed-role/PortalPull/portal-test`);
    expect(assumed.AssumedRoleUser!.AssumedRoleId).toBe(`${Role!.RoleId}:portal-test`);
    expect(assumed.SubjectFromWebIdentityToken).toBe("team_vendor");
    expect(assumed.Audience).toBe("sts.amazonaws.com");
    expect(assumed.Provider).toBe(OpenIDConnectProviderArn);

    const session = clients(aws.url, { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! });
    const identity = await session.sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(assumed.AssumedRoleUser!.Arn);
    expect(identity.Account).toBe(ACCOUNT_A.accountId);

    const { authorizationData } = await session.ecr.send(new GetAuthorizationTokenCommand({}));
    const login = authorizationData![0]!;
    expect(login.proxyEndpoint).toBe(aws.registryUrl(ACCOUNT_A.accountId, REGION));
    expect(login.expiresAt!.getTime() - Date.now()).toBeGreaterThan(12 * 3_600_000 - 60_000);
    const authorization = basicAuth(passwordOf(login.authorizationToken!));

    const ping = await fetch(`${login.proxyEndpoint}/v2/`, { headers: { Authorization: authorization } });
    expect(ping.status).toBe(200);
    const manifest = await fetch(`${login.proxyEndpoint}/v2/vendor/app/manifests/1.0.0`, {
      method: "HEAD",
      headers: { Authorization: authorization, Accept: "application/vnd.docker.distribution.manifest.v2+json" },
    });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get("docker-content-digest")).toBe(image.digest);
    expect(manifest.headers.get("content-type")).toBe("application/vnd.docker.distribution.manifest.v2+json");
  });
});
