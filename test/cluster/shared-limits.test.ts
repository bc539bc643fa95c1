// Limits that must hold for the portal as a whole, not per process: two
// production-server processes on one database, and the client alternating
// between them as a load balancer would. Sign-in throttling, the registry
// Test's per-team limit and the API's per-token limit each count every
// process's hits together (lib/rate-limit keeps them in Postgres).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/service";
import { signUp } from "@/lib/auth/service";
import { SIGN_IN_ACCOUNT_ADDRESS_LIMIT } from "@/lib/auth/throttles";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";
import { TESTS_PER_MINUTE } from "@/lib/registry-test/rate-limit";
import { postCredentials, runRegistryTestOverHttp, signInOverHttp } from "@/test/support/http-session";
import { startPortalCluster, type PortalCluster } from "@/test/support/portal-cluster";

const PASSWORD = "a long enough passphrase";
const API_LIMIT = 6;
// Nothing listens on the discard port: every AWS call of a Test fails at once.
// A failed Test counts against the limit like a passed one.
const NO_AWS = "http://127.0.0.1:9";

let cluster: PortalCluster;

/** One credentials sign-in attempt; the code next-auth reports, or "ok" with a session cookie. */
async function attemptSignIn(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await postCredentials(baseUrl, email, password);
  if (response.headers.getSetCookie().some((cookie) => cookie.startsWith("next-auth.session-token="))) return "ok";
  // With json=true next-auth answers {url} whose `error` parameter is the code.
  const location = response.headers.get("location") ?? ((await response.json().catch(() => ({}))) as { url?: string }).url ?? "";
  return new URL(location, baseUrl).searchParams.get("error") ?? `status ${response.status}`;
}

async function newVendor(label: string) {
  const email = `${label}-${Date.now()}@example.com`;
  const { userId, teamId } = await signUp({ name: label, email, password: PASSWORD, teamName: `${label} team` });
  return { email, userId, teamId };
}

beforeAll(async () => {
  cluster = await startPortalCluster({
    processes: 2,
    env: { AWS_ENDPOINT_URL_STS: NO_AWS, AWS_ENDPOINT_URL_ECR: NO_AWS, API_RATE_LIMIT_PER_MINUTE: String(API_LIMIT) },
  });
  Object.assign(process.env, cluster.commandEnv, { DATABASE_URL: cluster.databaseUrl });
  resetEnvCache();
});

afterAll(async () => {
  await prisma.$disconnect().catch(() => {});
  await cluster?.stop();
});

describe("limits shared by every portal process", () => {
  it("throttles failed sign-ins for an account from one address whichever process receives them, with 429 and Retry-After", async () => {
    const victim = await newVendor("throttled");
    const bystander = await newVendor("bystander");
    for (let attempt = 0; attempt < SIGN_IN_ACCOUNT_ADDRESS_LIMIT.limit; attempt++) {
      expect(await attemptSignIn(cluster.baseUrls[attempt % 2]!, victim.email, "a wrong passphrase!")).toBe("CredentialsSignin");
    }
    // Both processes now refuse even the right password from this address, saying when to try again.
    for (const baseUrl of cluster.baseUrls) {
      const response = await postCredentials(baseUrl, victim.email, PASSWORD);
      expect(response.status).toBe(429);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(new URL(((await response.json()) as { url: string }).url).searchParams.get("error")).toMatch(/^Throttled:\d+$/);
    }
    // The limit is the account's at this address: another account signs in on both.
    for (const baseUrl of cluster.baseUrls) expect(await attemptSignIn(baseUrl, bystander.email, PASSWORD)).toBe("ok");
  });

  it("counts a team's registry Tests on every process against one limit", async () => {
    const vendor = await newVendor("tester");
    const input = ZCreateRegistryInput.parse({
      provider: "ecr",
      name: "",
      hostname: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      authType: "access_key",
      accessKeyId: "AKIACLUSTERLIMIT0001",
      secretAccessKey: "clusterLimitSecretKey0000000000000000001",
      roleArn: "",
      allApplications: true,
      applicationIds: [],
    });
    const registry = await createRegistry(vendor.teamId, { userId: vendor.userId, email: vendor.email }, input);
    const cookie = await signInOverHttp(cluster.baseUrls[0]!, vendor.email, PASSWORD);
    for (let test = 0; test < TESTS_PER_MINUTE; test++) {
      const outcome = await runRegistryTestOverHttp(cluster.baseUrls[test % 2]!, cookie, registry.id, "");
      expect(outcome.status).toBe(200);
    }
    for (const baseUrl of cluster.baseUrls) expect((await runRegistryTestOverHttp(baseUrl, cookie, registry.id, "")).status).toBe(429);
  });

  it("counts an API token's requests on every process against one limit", async () => {
    const vendor = await newVendor("api");
    const { token } = await createApiToken(vendor.teamId, { userId: vendor.userId, role: "ADMIN" }, { userId: vendor.userId, email: vendor.email }, { name: "ci", role: "VIEWER", expiresInDays: null });
    const statuses: number[] = [];
    for (let request = 0; request <= API_LIMIT; request++) {
      const response = await fetch(`${cluster.baseUrls[request % 2]}/api/v1/applications`, { headers: { authorization: `Bearer ${token}` } });
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([...Array(API_LIMIT).fill(200), 429]);
  });
});
