// Registries of providers other than ECR, stored for real: each secret
// encrypted and write-only (a canary never appears in a view, the row's
// plaintext or the audit log), and kept only while the registry still talks
// to the same place.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { UserFacingError } from "@/lib/http/result";
import { loadRegistryCredentials } from "@/lib/registries/credentials";
import { ZCreateRegistryInput, ZUpdateRegistryInput } from "@/lib/registries/schema";
import { createRegistry, getRegistry, updateRegistry } from "@/lib/registries/service";

const unique = () => Math.random().toString(36).slice(2, 10);
const CANARY = "ghp_CanaryTokenDoNotLeak0123456789abcdefgh";
const KEY_CANARY = "-----BEGIN PRIVATE KEY-----\nCanaryPrivateKeyDoNotLeak\n-----END PRIVATE KEY-----\n";

async function newTeam() {
  const email = `prov-${unique()}@example.com`;
  const { userId, teamId } = await signUp({ name: "Prov", email, password: "a long enough passphrase", teamName: "Providers" });
  return { teamId, actor: { userId, email } };
}

const base = { name: "", allApplications: true, applicationIds: [] };

async function rawRow(registryId: string): Promise<string> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT * FROM "Registry" WHERE id = $1', [registryId]);
    return JSON.stringify(rows[0]);
  } finally {
    await client.end();
  }
}

async function expectNowhere(teamId: string, registryId: string, secret: string) {
  expect(JSON.stringify(await getRegistry(teamId, registryId))).not.toContain(secret);
  expect(await rawRow(registryId)).not.toContain(secret);
  expect(JSON.stringify(await prisma.auditEvent.findMany({ where: { teamId } }))).not.toContain(secret);
}

describe("registries of other providers (real Postgres)", () => {
  it("stores a GHCR token encrypted, shows only the username and the masked token, and decrypts it for the Test", async () => {
    const { teamId, actor } = await newTeam();
    const registry = await createRegistry(teamId, actor, ZCreateRegistryInput.parse({ ...base, provider: "ghcr", hostname: "ghcr.io", authType: "basic", username: "octo-vendor", password: CANARY }));
    expect(registry).toMatchObject({ provider: "ghcr", hostname: "ghcr.io", authType: "basic", username: "octo-vendor", secretMasked: "ghp_…efgh", accessKeyIdMasked: null });
    await expectNowhere(teamId, registry.id, CANARY);
    expect(await loadRegistryCredentials(teamId, registry.id)).toEqual({ authType: "basic", username: "octo-vendor", password: CANARY });
  });

  it("keeps a Google key's email, project and key ID readable, and the key itself never", async () => {
    const { teamId, actor } = await newTeam();
    const jsonKey = JSON.stringify({ type: "service_account", project_id: "acme-prod", private_key_id: "0123456789abcdef0123", private_key: KEY_CANARY, client_email: "puller@acme-prod.iam.gserviceaccount.com" });
    const registry = await createRegistry(teamId, actor, ZCreateRegistryInput.parse({ ...base, provider: "google", hostname: "us-docker.pkg.dev", authType: "json_key", jsonKey }));
    expect(registry).toMatchObject({ serviceAccountEmail: "puller@acme-prod.iam.gserviceaccount.com", projectId: "acme-prod", privateKeyId: "0123456789abcdef0123" });
    await expectNowhere(teamId, registry.id, "CanaryPrivateKeyDoNotLeak");
  });

  it("keeps the stored token on an edit of the name, and asks for it again when the hostname changes, so it is never sent to a new host", async () => {
    const { teamId, actor } = await newTeam();
    const registry = await createRegistry(teamId, actor, ZCreateRegistryInput.parse({ ...base, provider: "generic", hostname: "harbor.example.com", authType: "basic", username: "robot$app+pull", password: CANARY, flavor: "harbor" }));
    const update = (overrides: object) => ZUpdateRegistryInput.parse({ ...base, provider: "generic", hostname: "harbor.example.com", authType: "basic", username: "robot$app+pull", password: "", flavor: "harbor", registryId: registry.id, replaceAccessKey: false, ...overrides });

    const renamed = await updateRegistry(teamId, actor, update({ name: "harbor" }));
    expect(renamed).toMatchObject({ name: "harbor", secretMasked: registry.secretMasked, flavor: "harbor" });
    expect(await loadRegistryCredentials(teamId, registry.id)).toMatchObject({ password: CANARY });

    const moved = updateRegistry(teamId, actor, update({ name: "harbor", hostname: "attacker.example.net" }));
    await expect(moved).rejects.toBeInstanceOf(UserFacingError);
    await expect(moved).rejects.toMatchObject({ fieldErrors: { password: expect.stringMatching(/hostname changed/) } });
    expect((await getRegistry(teamId, registry.id))!.hostname).toBe("harbor.example.com");

    const switched = updateRegistry(teamId, actor, update({ provider: "quay", hostname: "quay.io", username: "acme+pull" }));
    await expect(switched).rejects.toMatchObject({ fieldErrors: { password: expect.any(String) } });

    const replaced = await updateRegistry(teamId, actor, update({ name: "harbor", hostname: "harbor2.example.com", password: "new-token-value-0000000000", replaceAccessKey: true }));
    expect(replaced.testStatus).toBe("never");
    expect(await loadRegistryCredentials(teamId, replaced.id)).toMatchObject({ password: "new-token-value-0000000000" });
  });

  it("drops the stored secret when the registry turns anonymous", async () => {
    const { teamId, actor } = await newTeam();
    const registry = await createRegistry(teamId, actor, ZCreateRegistryInput.parse({ ...base, provider: "generic", hostname: "nexus.example.com:8443", authType: "basic", username: "puller", password: CANARY }));
    await updateRegistry(teamId, actor, ZUpdateRegistryInput.parse({ ...base, provider: "generic", hostname: "nexus.example.com:8443", authType: "anonymous", registryId: registry.id, replaceAccessKey: false }));
    expect(await rawRow(registry.id)).toMatch(/"encryptedCredentials":null/);
    expect(await loadRegistryCredentials(teamId, registry.id)).toEqual({ authType: "anonymous" });
  });

  it("refuses a hostname of another provider, naming the provider to pick", async () => {
    const { teamId, actor } = await newTeam();
    const parsed = ZCreateRegistryInput.safeParse({ ...base, provider: "generic", hostname: "acme12.azurecr.io", authType: "anonymous" });
    expect(parsed.error?.issues[0]?.message).toMatch(/pick Azure Container Registry/);
    expect(await prisma.registry.count({ where: { teamId } })).toBe(0);
    void actor;
  });
});
