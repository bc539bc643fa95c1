// A vendor's script: a client generated from the OpenAPI document
// (openapi-typescript types + openapi-fetch) drives the whole IAM journey over
// HTTP: create an application, add an IAM registry, read the trust and
// permissions policies from the API, apply them in the local AWS with the real
// IAM SDK, and run the Test until it is green.
import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/service";
import { signUp } from "@/lib/auth/service";
import { resetEnvCache } from "@/lib/env";
import { VendorAws } from "@/e2e/support/vendor-aws";
import { startApiServer, type ApiServer } from "@/test/support/api-server";
import type { paths } from "@/test/support/api-schema";
import { startTestIssuer, type TestIssuer } from "@/test/support/issuer-server";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { startLocalAws, type LocalAws } from "@/tools/local-aws/local-aws";

const REGION = "eu-central-1";
const ACCOUNT = { accountId: "313131313131", accessKeyId: "AKIAAPIJOURNEY000031", secretAccessKey: "apiJourneySecretKey000000000000000000031" };

let aws: LocalAws;
let issuer: TestIssuer;
let server: ApiServer;

beforeAll(async () => {
  await useIsolatedDatabase("api_client_journey");
  issuer = await startTestIssuer();
  aws = await startLocalAws({ port: 0, accounts: [ACCOUNT], jwksCacheSeconds: 0 });
  aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository: "shop/api", tag: "3.1" });
  process.env.AWS_ENDPOINT_URL_STS = aws.url;
  process.env.AWS_ENDPOINT_URL_ECR = aws.url;
  process.env.REGISTRY_ENDPOINT_OVERRIDES = `*=${aws.url}/_registry/{hostname}`;
  resetEnvCache();
  server = await startApiServer();
});

afterAll(async () => {
  await server?.close();
  await aws?.close();
  await issuer?.close();
});

it("creates an application, adds an IAM registry, applies its trust policy in AWS and gets a green Test, all through the generated client", async () => {
  const { userId, teamId } = await signUp({ name: "Script", email: `script-${process.pid}@example.com`, password: "a long enough passphrase", teamName: "Scripted" });
  const { token } = await createApiToken(teamId, { userId, role: "ADMIN" }, { userId, email: `script-${process.pid}@example.com` }, { name: "ci", role: "MEMBER", expiresInDays: 30 });
  const api = createClient<paths>({ baseUrl: server.baseUrl, headers: { authorization: `Bearer ${token}` } });

  const application = await api.POST("/applications", { body: { name: "Shop" } });
  expect(application.response.status).toBe(201);
  const applicationId = application.data!.data.id;

  const roleName = "ShopPortalPull";
  const roleArn = `arn:aws:iam::${ACCOUNT.accountId}:role/${roleName}`;
  const created = await api.POST("/registries", {
    body: {
      provider: "ecr",
      name: "shop-ecr",
      hostname: aws.registryHostname(ACCOUNT.accountId, REGION),
      authType: "iam_role",
      accessKeyId: "",
      secretAccessKey: "",
      roleArn,
      allApplications: false,
      applicationIds: [applicationId],
    },
  });
  expect(created.error).toBeUndefined();
  const registryId = created.data!.data.id;

  // The script reads what to apply from the registry, as a vendor's would.
  const registry = await api.GET("/registries/{registryId}", { params: { path: { registryId } } });
  const { oidc, setup, testStatus, applications } = registry.data!.data;
  expect(testStatus).toBe("never");
  expect(applications.map((entry) => entry.id)).toEqual([applicationId]);
  expect(oidc!.issuerUrl).toBe(issuer.url);
  // The role is created with its final trust policy in one step.
  expect(setup.commands.find((command) => command.id === "role")?.command).toContain("aws iam create-role");

  const vendor = new VendorAws(aws.url, ACCOUNT);
  await vendor.createProvider(oidc!.issuerUrl, [oidc!.audience]);
  await vendor.iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(setup.trustPolicy) }));
  await vendor.iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "PortalPull", PolicyDocument: JSON.stringify(setup.permissionsPolicy) }));

  const run = await api.POST("/registries/{registryId}/test", { params: { path: { registryId } }, body: { image: "shop/api:3.1" } });
  expect(run.error).toBeUndefined();
  const result = run.data!.data;
  expect(result.verdict, result.headline).toBe("verified");
  expect(result.steps.filter((step) => step.status !== "passed").map((step) => step.id)).toEqual([]);
  expect(result.steps.find((step) => step.id === "manifest")?.detail).toMatch(/sha256:[a-f0-9]{64}/);

  const last = await api.GET("/registries/{registryId}/test", { params: { path: { registryId } } });
  expect(last.data!.data?.verdict).toBe("verified");
  const after = await api.GET("/registries/{registryId}", { params: { path: { registryId } } });
  expect(after.data!.data.testStatus).toBe("verified");
  expect(after.data!.data.status.kind).toBe("verified");

  // Errors come back typed too: a member token cannot list tokens.
  const refused = await api.GET("/tokens");
  expect(refused.response.status).toBe(403);
  expect(refused.error!.error.code).toBe("forbidden");
}, 120_000);
