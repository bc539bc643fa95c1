// Idempotency-Key and If-Match hold for the portal as a whole: two
// production-server processes on one database, the same retried request and
// the same stale write sent to both at once, as behind a load balancer.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/service";
import { createApplication } from "@/lib/applications/service";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { startPortalCluster, type PortalCluster } from "@/test/support/portal-cluster";

let cluster: PortalCluster;

beforeAll(async () => {
  cluster = await startPortalCluster({ processes: 2 });
  Object.assign(process.env, cluster.commandEnv, { DATABASE_URL: cluster.databaseUrl });
  resetEnvCache();
});

afterAll(async () => {
  await prisma.$disconnect().catch(() => {});
  await cluster?.stop();
});

/** A client that retries while the first request with its key is still running, as Retry-After says. */
async function postUntilAnswered(url: string, token: string, key: string, body: unknown) {
  for (;;) {
    const response = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": key }, body: JSON.stringify(body) });
    if (response.status !== 409) return { status: response.status, text: await response.text(), replayed: response.headers.get("idempotent-replayed") === "true" };
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get("retry-after") ?? "1") * 1000));
  }
}

it("creates one customer for a request retried 20 times at once across processes, and gives all 20 the same answer; one of two stale writers wins", async () => {
  const email = `cluster-api-${Date.now()}@example.com`;
  const { userId, teamId } = await signUp({ name: "Cluster", email, password: "a long enough passphrase", teamName: "Cluster API" });
  const { token } = await createApiToken(teamId, { userId, role: "ADMIN" }, { userId, email }, { name: "ci", role: "MEMBER", expiresInDays: null });
  const application = await createApplication(teamId, { userId, email }, { name: "Clustered" });
  const key = crypto.randomUUID();
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => postUntilAnswered(`${cluster.baseUrls[i % 2]}/api/v1/applications/${application.id}/customers`, token, key, { name: "Acme" })),
  );
  expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(201));
  expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
  expect(answers.filter((answer) => !answer.replayed)).toHaveLength(1);
  expect(await prisma.customer.count({ where: { applicationId: application.id } })).toBe(1);

  const path = `/api/v1/applications/${application.id}`;
  const etag = (await fetch(`${cluster.baseUrls[0]}${path}`, { headers: { authorization: `Bearer ${token}` } })).headers.get("etag")!;
  const writes = await Promise.all(
    cluster.baseUrls.map((baseUrl, i) =>
      fetch(`${baseUrl}${path}`, { method: "PATCH", headers: { authorization: `Bearer ${token}`, "content-type": "application/merge-patch+json", "if-match": etag }, body: JSON.stringify({ name: `Writer ${i}` }) }),
    ),
  );
  expect(writes.map((write) => write.status).sort()).toEqual([200, 412]);
});
