// AssumeRoleWithWebIdentity refuses what STS refuses, with STS's codes and
// messages, as the real SDK surfaces them.
import { AssumeRoleWithWebIdentityCommand } from "@aws-sdk/client-sts";
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from "@aws-sdk/client-iam";
import { generateKeyPair } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalAws, type LocalAws } from "./local-aws";
import { ACCOUNT_A, ACCOUNT_B, clients, expectAwsError, rootCredentials, webIdentityTrustPolicy } from "./test-helpers";
import { startTestIssuer, type TestIssuer } from "./test-issuer";
import { KEY_RETRIEVAL_FAILED } from "./web-identity";

let aws: LocalAws;
let issuer: TestIssuer;
let clockOffsetMs = 0;
const admin = () => clients(aws.url, rootCredentials(ACCOUNT_A));
const sts = () => clients(aws.url).sts;

beforeAll(async () => {
  aws = await startLocalAws({ port: 0, accounts: [ACCOUNT_A, ACCOUNT_B], jwksCacheSeconds: 0, identityProviderTimeoutMs: 500, now: () => Date.now() + clockOffsetMs });
  issuer = await startTestIssuer();
});

afterAll(async () => {
  await aws.close();
  await issuer.close();
});

beforeEach(() => {
  aws.reset();
  issuer.delayMs = 0;
  issuer.down = false;
  clockOffsetMs = 0;
});

function providerPathOf(url: string) {
  return url.replace(/^https?:\/\//, "");
}

async function setUpRole(options: { url?: string; clientIds?: string[]; thumbprints?: string[]; condition?: Record<string, Record<string, string | string[]>>; maxSessionDuration?: number } = {}) {
  const url = options.url ?? issuer.url;
  const path = providerPathOf(url);
  const { OpenIDConnectProviderArn } = await admin().iam.send(
    new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: options.clientIds ?? ["sts.amazonaws.com"], ThumbprintList: options.thumbprints }),
  );
  const condition = options.condition ?? { StringEquals: { [`${path}:aud`]: "sts.amazonaws.com", [`${path}:sub`]: "team_a" } };
  const { Role } = await admin().iam.send(
    new CreateRoleCommand({ RoleName: "PortalPull", AssumeRolePolicyDocument: webIdentityTrustPolicy(OpenIDConnectProviderArn!, path, condition), MaxSessionDuration: options.maxSessionDuration }),
  );
  return { roleArn: Role!.Arn!, providerArn: OpenIDConnectProviderArn! };
}

function assume(roleArn: string, token: string, durationSeconds?: number) {
  return sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: "portal", WebIdentityToken: token, DurationSeconds: durationSeconds }));
}

const NOT_AUTHORIZED = { code: "AccessDenied", name: "AccessDenied", message: "Not authorized to perform sts:AssumeRoleWithWebIdentity", status: 403 };
const KEY_FAILURE = { code: "InvalidIdentityToken", name: "InvalidIdentityTokenException", message: KEY_RETRIEVAL_FAILED, status: 400 };

describe("AssumeRoleWithWebIdentity", () => {
  it("uses AWS's exact key-retrieval message, with two spaces after the comma", () => {
    expect(KEY_RETRIEVAL_FAILED).toBe("Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
  });

  it("refuses a token whose issuer has no provider in the role's account", async () => {
    const { roleArn } = await setUpRole();
    const other = await startTestIssuer();
    try {
      await expectAwsError(assume(roleArn, await other.mint({ sub: "team_a" })), { code: "InvalidIdentityToken", message: `No OpenIDConnect provider found in your account for ${other.url}`, status: 400 });
    } finally {
      await other.close();
    }
  });

  it("looks for the provider in the role's account, not in another account that has one", async () => {
    const path = providerPathOf(issuer.url);
    const { OpenIDConnectProviderArn } = await admin().iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ["sts.amazonaws.com"] }));
    const accountB = clients(aws.url, rootCredentials(ACCOUNT_B));
    const { Role } = await accountB.iam.send(
      new CreateRoleCommand({ RoleName: "Elsewhere", AssumeRolePolicyDocument: webIdentityTrustPolicy(OpenIDConnectProviderArn!, path, { StringEquals: { [`${path}:sub`]: "team_a" } }) }),
    );
    await expectAwsError(assume(Role!.Arn!, await issuer.mint({ sub: "team_a" })), { code: "InvalidIdentityToken", message: `No OpenIDConnect provider found in your account for ${issuer.url}`, status: 400 });
  });

  it("refuses when the issuer's keys cannot be fetched", async () => {
    const { roleArn } = await setUpRole();
    issuer.down = true;
    await expectAwsError(assume(roleArn, await issuer.mint({ sub: "team_a" })), KEY_FAILURE);
  });

  it("refuses when nothing listens at the issuer's address", async () => {
    const gone = await startTestIssuer();
    const { roleArn } = await setUpRole({ url: gone.url, condition: { StringEquals: { [`${providerPathOf(gone.url)}:sub`]: "team_a" } } });
    const token = await gone.mint({ sub: "team_a" });
    await gone.close();
    await expectAwsError(assume(roleArn, token), KEY_FAILURE);
  });

  it("gives up on an issuer slower than the fetch deadline", async () => {
    const { roleArn } = await setUpRole();
    issuer.delayMs = 1500;
    const started = Date.now();
    await expectAwsError(assume(roleArn, await issuer.mint({ sub: "team_a" })), KEY_FAILURE);
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it("refuses a token signed with a key the issuer does not publish", async () => {
    const { roleArn } = await setUpRole();
    const foreign = await generateKeyPair("RS256");
    await expectAwsError(assume(roleArn, await issuer.mint({ sub: "team_a" }, { kid: "not-published", key: foreign.privateKey })), KEY_FAILURE);
  });

  it("refuses a token signed by a foreign key under the published kid", async () => {
    const { roleArn } = await setUpRole();
    const foreign = await generateKeyPair("RS256");
    await expectAwsError(assume(roleArn, await issuer.mint({ sub: "team_a" }, { key: foreign.privateKey })), { code: "InvalidIdentityToken", message: "Signature validation failed for the token", status: 400 });
  });

  it("refuses an algorithm outside RS256/384/512 and ES256/384/512", async () => {
    const { roleArn } = await setUpRole();
    const secret = new TextEncoder().encode("a shared secret is not an OpenID Connect signing key");
    const { SignJWT } = await import("jose");
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ iss: issuer.url, sub: "team_a", aud: "sts.amazonaws.com", iat: now, exp: now + 300 }).setProtectedHeader({ alg: "HS256", kid: issuer.kid }).sign(secret);
    await expectAwsError(assume(roleArn, token), { code: "InvalidIdentityToken", message: "Unsupported signing algorithm: HS256", status: 400 });
  });

  it("accepts ES256 tokens", async () => {
    const ecIssuer = await startTestIssuer({ alg: "ES256" });
    try {
      const { roleArn } = await setUpRole({ url: ecIssuer.url, condition: { StringEquals: { [`${providerPathOf(ecIssuer.url)}:sub`]: "team_a" } } });
      const result = await assume(roleArn, await ecIssuer.mint({ sub: "team_a" }));
      expect(result.SubjectFromWebIdentityToken).toBe("team_a");
    } finally {
      await ecIssuer.close();
    }
  });

  it("refuses an expired token with STS's ExpiredTokenException message", async () => {
    const { roleArn } = await setUpRole();
    const minted = Date.now() - 600_000;
    const token = await issuer.mint({ sub: "team_a" }, { now: minted, expiresInSeconds: 300 });
    const expiry = Math.floor(minted / 1000) + 300;
    await expectAwsError(assume(roleArn, token), { code: "ExpiredTokenException", message: new RegExp(`^Token expired: current date/time \\d{10} must be before the expiration date/time ${expiry}$`), status: 400 });
  });

  it("refuses a token that is not valid yet", async () => {
    const { roleArn } = await setUpRole();
    const now = Math.floor(Date.now() / 1000);
    await expectAwsError(assume(roleArn, await issuer.mint({ sub: "team_a", nbf: now + 600, iat: now }, { expiresInSeconds: 900 })), {
      code: "InvalidIdentityToken",
      message: new RegExp(`^Token not yet valid: current date/time \\d{10} must be after the not-before date/time ${now + 600}$`),
      status: 400,
    });
  });

  it("refuses a token issued in the future", async () => {
    const { roleArn } = await setUpRole();
    const now = Math.floor(Date.now() / 1000);
    await expectAwsError(assume(roleArn, await issuer.mint({ sub: "team_a", iat: now + 600, nbf: now }, { expiresInSeconds: 900 })), {
      code: "InvalidIdentityToken",
      message: /^Token issued in the future/,
      status: 400,
    });
  });

  it("refuses an audience that is not among the provider's client IDs", async () => {
    const { roleArn } = await setUpRole();
    await expectAwsError(assume(roleArn, await issuer.mint({ sub: "team_a", aud: "another-client" })), { code: "InvalidIdentityToken", message: "Incorrect token audience", status: 400 });
  });

  it("refuses a subject the trust policy does not name", async () => {
    const { roleArn } = await setUpRole();
    await expectAwsError(assume(roleArn, await issuer.mint({ sub: "team_attacker" })), NOT_AUTHORIZED);
  });

  it("refuses a role that does not exist with AccessDenied, as STS does", async () => {
    await setUpRole();
    await expectAwsError(assume(`arn:aws:iam::${ACCOUNT_A.accountId}:role/Missing`, await issuer.mint({ sub: "team_a" })), NOT_AUTHORIZED);
  });

  it("refuses a trust policy whose federated principal is another provider", async () => {
    const path = providerPathOf(issuer.url);
    await admin().iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ["sts.amazonaws.com"] }));
    const { Role } = await admin().iam.send(
      new CreateRoleCommand({
        RoleName: "OtherProvider",
        AssumeRolePolicyDocument: webIdentityTrustPolicy(`arn:aws:iam::${ACCOUNT_A.accountId}:oidc-provider/token.actions.githubusercontent.com`, path, {}),
      }),
    );
    await expectAwsError(assume(Role!.Arn!, await issuer.mint({ sub: "team_a" })), NOT_AUTHORIZED);
  });

  it("evaluates StringLike wildcards on the subject", async () => {
    const path = providerPathOf(issuer.url);
    const { roleArn } = await setUpRole({ condition: { StringLike: { [`${path}:sub`]: "team_*" }, StringEquals: { [`${path}:aud`]: "sts.amazonaws.com" } } });
    await expect(assume(roleArn, await issuer.mint({ sub: "team_anything" }))).resolves.toMatchObject({ SubjectFromWebIdentityToken: "team_anything" });
    await expectAwsError(assume(roleArn, await issuer.mint({ sub: "user_anything" })), NOT_AUTHORIZED);
  });

  it("evaluates ForAnyValue and ForAllValues on the amr claim", async () => {
    const path = providerPathOf(issuer.url);
    const { roleArn } = await setUpRole({
      condition: { "ForAnyValue:StringEquals": { [`${path}:amr`]: ["mfa"] }, "ForAllValues:StringEquals": { [`${path}:amr`]: ["mfa", "pwd"] } },
    });
    await expect(assume(roleArn, await issuer.mint({ sub: "team_a", amr: ["pwd", "mfa"] }))).resolves.toBeTruthy();
    await expectAwsError(assume(roleArn, await issuer.mint({ sub: "team_a", amr: ["pwd"] })), NOT_AUTHORIZED);
    await expectAwsError(assume(roleArn, await issuer.mint({ sub: "team_a", amr: ["mfa", "otp"] })), NOT_AUTHORIZED);
  });

  it("evaluates conditions on the azp claim", async () => {
    const path = providerPathOf(issuer.url);
    const { roleArn } = await setUpRole({ condition: { StringEquals: { [`${path}:azp`]: "portal" } } });
    await expect(assume(roleArn, await issuer.mint({ sub: "team_a", azp: "portal" }))).resolves.toBeTruthy();
    await expectAwsError(assume(roleArn, await issuer.mint({ sub: "team_a", azp: "someone-else" })), NOT_AUTHORIZED);
  });

  it("limits DurationSeconds to 900 and the role's MaxSessionDuration", async () => {
    const { roleArn } = await setUpRole({ maxSessionDuration: 7200 });
    const token = await issuer.mint({ sub: "team_a" });
    await expectAwsError(assume(roleArn, token, 600), {
      code: "ValidationError",
      message: "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      status: 400,
    });
    await expectAwsError(assume(roleArn, token, 7201), { code: "ValidationError", message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", status: 400 });
    const result = await assume(roleArn, token, 7200);
    expect(Math.round((result.Credentials!.Expiration!.getTime() - Date.now()) / 1000)).toBeGreaterThan(7190);
  });

  it("refuses a session name with characters STS does not allow", async () => {
    const { roleArn } = await setUpRole();
    await expectAwsError(sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: "has space", WebIdentityToken: await issuer.mint({ sub: "team_a" }) })), {
      code: "ValidationError",
      message: "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      status: 400,
    });
  });

  it("refuses something that is not a JWT", async () => {
    const { roleArn } = await setUpRole();
    await expectAwsError(assume(roleArn, "not-a-jwt"), { code: "InvalidIdentityToken", message: "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)", status: 400 });
  });

  it("keeps using cached keys until the cache time passes", async () => {
    await aws.close();
    aws = await startLocalAws({ port: 0, accounts: [ACCOUNT_A, ACCOUNT_B], jwksCacheSeconds: 600, now: () => Date.now() + clockOffsetMs });
    const { roleArn } = await setUpRole();
    await expect(assume(roleArn, await issuer.mint({ sub: "team_a" }))).resolves.toBeTruthy();
    await issuer.rotate();
    await expectAwsError(assume(roleArn, await issuer.mint({ sub: "team_a" })), KEY_FAILURE);
    clockOffsetMs = 601_000;
    await expect(assume(roleArn, await issuer.mint({ sub: "team_a" }, { now: Date.now() + clockOffsetMs }))).resolves.toBeTruthy();
    await aws.close();
    aws = await startLocalAws({ port: 0, accounts: [ACCOUNT_A, ACCOUNT_B], jwksCacheSeconds: 0, identityProviderTimeoutMs: 500, now: () => Date.now() + clockOffsetMs });
  });
});

describe("AssumeRoleWithWebIdentity with an https issuer", () => {
  let tlsIssuer: TestIssuer;
  beforeAll(async () => {
    tlsIssuer = await startTestIssuer({ https: "self-signed" });
  });
  afterAll(async () => {
    await tlsIssuer.close();
  });

  const conditionFor = (url: string) => ({ StringEquals: { [`${providerPathOf(url)}:sub`]: "team_a" } });

  it("accepts the issuer when the configured thumbprint is the served certificate's", async () => {
    const { roleArn } = await setUpRole({ url: tlsIssuer.url, thumbprints: [tlsIssuer.thumbprint!], condition: conditionFor(tlsIssuer.url) });
    await expect(assume(roleArn, await tlsIssuer.mint({ sub: "team_a" }))).resolves.toMatchObject({ SubjectFromWebIdentityToken: "team_a" });
  });

  it("refuses the issuer when the served certificate does not match the configured thumbprint", async () => {
    const { roleArn } = await setUpRole({ url: tlsIssuer.url, thumbprints: ["0".repeat(40)], condition: conditionFor(tlsIssuer.url) });
    await expectAwsError(assume(roleArn, await tlsIssuer.mint({ sub: "team_a" })), THUMBPRINT_MISMATCH);
  });

  it("pins the last certificate the server sends, the intermediate, not the server's own", async () => {
    const chained = await startTestIssuer({ https: "with-intermediate" });
    try {
      expect(chained.thumbprint).not.toBe(chained.leafThumbprint);
      const { roleArn } = await setUpRole({ url: chained.url, thumbprints: [chained.leafThumbprint!], condition: conditionFor(chained.url) });
      await expectAwsError(assume(roleArn, await chained.mint({ sub: "team_a" })), THUMBPRINT_MISMATCH);
      const { UpdateOpenIDConnectProviderThumbprintCommand } = await import("@aws-sdk/client-iam");
      const providerArn = `arn:aws:iam::${ACCOUNT_A.accountId}:oidc-provider/${providerPathOf(chained.url)}`;
      await admin().iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: providerArn, ThumbprintList: [chained.thumbprint!] }));
      await expect(assume(roleArn, await chained.mint({ sub: "team_a" }))).resolves.toMatchObject({ SubjectFromWebIdentityToken: "team_a" });
    } finally {
      await chained.close();
    }
  });
});

const THUMBPRINT_MISMATCH = { code: "InvalidIdentityToken", message: "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint", status: 400 };
