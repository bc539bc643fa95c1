import pg from "pg";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApplication } from "@/lib/applications/service";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { UserFacingError } from "@/lib/http/result";
import { loadRegistryCredentials } from "@/lib/registries/credentials";
import { ZCreateRegistryInput, ZUpdateRegistryInput, type TCreateRegistryInput, type TUpdateRegistryInput } from "@/lib/registries/schema";
import { createRegistry, deleteRegistry, getRegistry, listRegistries, updateRegistry } from "@/lib/registries/service";

const unique = () => Math.random().toString(36).slice(2, 10);
const SECRET = "CanarySecretKeyDoNotLeak/0123456789abcde";
const NEW_SECRET = "ReplacementSecretKey+0123456789abcdefghi";
const HOSTNAME = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

async function newTeam() {
  const email = `reg-${unique()}@example.com`;
  const { userId, teamId } = await signUp({ name: "Reg", email, password: "a long enough passphrase", teamName: "Registries" });
  return { teamId, actor: { userId, email } };
}

function createInput(overrides: Partial<TCreateRegistryInput> = {}): TCreateRegistryInput {
  return ZCreateRegistryInput.parse({
    provider: "ecr",
    name: "",
    hostname: HOSTNAME,
    authType: "access_key",
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: SECRET,
    roleArn: "",
    allApplications: true,
    applicationIds: [],
    ...overrides,
  });
}

function updateInput(registryId: string, overrides: Partial<TUpdateRegistryInput> = {}): TUpdateRegistryInput {
  return ZUpdateRegistryInput.parse({ ...createInput(), accessKeyId: "", secretAccessKey: "", registryId, replaceAccessKey: false, ...overrides });
}

/** Every text column of the registry row, read with plain SQL: what is really stored. */
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

async function auditOf(teamId: string) {
  return prisma.auditEvent.findMany({ where: { teamId, targetType: "registry" }, orderBy: { createdAt: "asc" } });
}

describe("registries (real Postgres)", () => {
  afterEach(() => {
    delete process.env.ALLOW_AMBIENT_AWS_CREDENTIALS;
    resetEnvCache();
  });

  describe("access key", () => {
    let team: Awaited<ReturnType<typeof newTeam>>;
    beforeAll(async () => {
      team = await newTeam();
    });

    it("stores the key encrypted, shows only the masked key ID, and decrypts for the server", async () => {
      const registry = await createRegistry(team.teamId, team.actor, createInput({ name: "prod-ecr", hostname: ` https://${HOSTNAME.toUpperCase()}/` }));
      expect(registry).toMatchObject({ name: "prod-ecr", hostname: HOSTNAME, authType: "access_key", accessKeyIdMasked: "AKIA…MPLE", testStatus: "never" });
      expect(JSON.stringify(registry)).not.toContain(SECRET);
      expect(JSON.stringify(registry)).not.toContain("AKIAIOSFODNN7EXAMPLE");

      const raw = await rawRow(registry.id);
      expect(raw).not.toContain(SECRET);
      expect(raw).not.toContain("AKIAIOSFODNN7EXAMPLE");
      expect(raw).toMatch(/"encryptedCredentials":"v1:k[0-9a-f]{8}:/);

      // The default client never returns the column, even when asked for the whole row.
      const row = await prisma.registry.findUniqueOrThrow({ where: { id: registry.id } });
      expect("encryptedCredentials" in row).toBe(false);

      expect(await loadRegistryCredentials(team.teamId, registry.id)).toEqual({ authType: "access_key", accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: SECRET });
      const audit = await auditOf(team.teamId);
      expect(audit.at(-1)).toMatchObject({ action: "registry.created", targetId: registry.id });
      expect(JSON.stringify(audit)).not.toContain(SECRET);
    });

    it("keeps the stored key when other fields are edited without a new secret", async () => {
      const registry = await createRegistry(team.teamId, team.actor, createInput());
      const before = await rawRow(registry.id);
      const updated = await updateRegistry(team.teamId, team.actor, updateInput(registry.id, { name: `kept-${unique()}` }));
      expect(updated.accessKeyIdMasked).toBe("AKIA…MPLE");
      expect(JSON.parse(await rawRow(registry.id)).encryptedCredentials).toBe(JSON.parse(before).encryptedCredentials);
      expect(await loadRegistryCredentials(team.teamId, registry.id)).toMatchObject({ secretAccessKey: SECRET });
      expect((await auditOf(team.teamId)).at(-1)).toMatchObject({ action: "registry.updated", metadata: { changed: ["name"] } });
    });

    it("replaces the key only when asked, and audits the replacement without the secret", async () => {
      const registry = await createRegistry(team.teamId, team.actor, createInput());
      await updateRegistry(team.teamId, team.actor, updateInput(registry.id, { replaceAccessKey: true, accessKeyId: "ASIAZZZZZZZZZZZZWXYZ", secretAccessKey: NEW_SECRET }));
      expect(await getRegistry(team.teamId, registry.id)).toMatchObject({ accessKeyIdMasked: "ASIA…WXYZ" });
      expect(await loadRegistryCredentials(team.teamId, registry.id)).toEqual({ authType: "access_key", accessKeyId: "ASIAZZZZZZZZZZZZWXYZ", secretAccessKey: NEW_SECRET });
      expect(await rawRow(registry.id)).not.toContain(NEW_SECRET);
      const last = (await auditOf(team.teamId)).at(-1)!;
      expect(last).toMatchObject({ action: "registry.secret_replaced", metadata: { accessKeyId: "ASIA…WXYZ" } });
      expect(JSON.stringify(last)).not.toContain(NEW_SECRET);
    });

    it("refuses a replacement without a valid key, next to the fields", () => {
      const result = ZUpdateRegistryInput.safeParse({ ...updateInput("r1"), replaceAccessKey: true, accessKeyId: "AKIA123", secretAccessKey: "short" });
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(expect.arrayContaining(["accessKeyId", "secretAccessKey"]));
    });

    it("a ciphertext copied to another registry's row does not decrypt", async () => {
      const a = await createRegistry(team.teamId, team.actor, createInput());
      const b = await createRegistry(team.teamId, team.actor, createInput({ secretAccessKey: NEW_SECRET }));
      const stolen = JSON.parse(await rawRow(a.id)).encryptedCredentials as string;
      await prisma.registry.update({ where: { id: b.id }, data: { encryptedCredentials: stolen } });
      await expect(loadRegistryCredentials(team.teamId, b.id)).rejects.toThrow(/another row/);
    });
  });

  describe("IAM Authentication", () => {
    it("stores the role ARN without any secret, and drops a stored key when switching to it", async () => {
      const team = await newTeam();
      const registry = await createRegistry(team.teamId, team.actor, createInput());
      const updated = await updateRegistry(team.teamId, team.actor, updateInput(registry.id, { authType: "iam_role", roleArn: "arn:aws:iam::210987654321:role/PortalPull" }));
      expect(updated).toMatchObject({ authType: "iam_role", roleArn: "arn:aws:iam::210987654321:role/PortalPull", accessKeyIdMasked: null });
      expect(JSON.parse(await rawRow(registry.id)).encryptedCredentials).toBeNull();
      expect(await loadRegistryCredentials(team.teamId, registry.id)).toEqual({ authType: "iam_role", roleArn: "arn:aws:iam::210987654321:role/PortalPull" });

      const created = await createRegistry(team.teamId, team.actor, createInput({ authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn: "arn:aws:iam::123456789012:role/Pull" }));
      expect(JSON.parse(await rawRow(created.id)).encryptedCredentials).toBeNull();
      await deleteRegistry(team.teamId, team.actor, created.id);
      expect(await getRegistry(team.teamId, created.id)).toBeNull();
      expect((await auditOf(team.teamId)).at(-1)).toMatchObject({ action: "registry.deleted", targetId: created.id });
    });

    it("stores a role name as the full ARN in the registry's account, or in the account given, and a pasted image URI as its hostname", async () => {
      const team = await newTeam();
      const sameAccount = await createRegistry(team.teamId, team.actor, createInput({ hostname: `https://${HOSTNAME}/vendor/app:1.0`, authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn: "ci/PortalEcrPull" }));
      expect(sameAccount).toMatchObject({ hostname: HOSTNAME, roleArn: "arn:aws:iam::123456789012:role/ci/PortalEcrPull" });
      const crossAccount = await createRegistry(team.teamId, team.actor, createInput({ name: "cross", authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn: "PortalEcrPull", roleAccountId: "210987654321" }));
      expect(await loadRegistryCredentials(team.teamId, crossAccount.id)).toEqual({ authType: "iam_role", roleArn: "arn:aws:iam::210987654321:role/PortalEcrPull" });
    });

    it("asks for a key when switching an IAM registry to access-key auth", async () => {
      const team = await newTeam();
      const registry = await createRegistry(team.teamId, team.actor, createInput({ authType: "iam_role", roleArn: "arn:aws:iam::123456789012:role/Pull" }));
      await expect(updateRegistry(team.teamId, team.actor, updateInput(registry.id, { authType: "access_key" }))).rejects.toMatchObject({ fieldErrors: { accessKeyId: expect.stringMatching(/access key ID/) } });
    });

    it("refuses a role in another partition than the registry's", () => {
      const result = ZCreateRegistryInput.safeParse({ ...createInput(), authType: "iam_role", roleArn: "arn:aws-cn:iam::123456789012:role/Pull" });
      expect(result.error?.issues[0]).toMatchObject({ path: ["roleArn"], message: expect.stringMatching(/partition aws-cn but the registry is in aws/) });
    });

    it("resets the test status when the connection changes, not when only the name does", async () => {
      const team = await newTeam();
      const registry = await createRegistry(team.teamId, team.actor, createInput({ authType: "iam_role", roleArn: "arn:aws:iam::123456789012:role/Pull" }));
      await prisma.registry.update({ where: { id: registry.id }, data: { testStatus: "verified", verifiedAt: new Date(), lastTestedAt: new Date() } });
      await updateRegistry(team.teamId, team.actor, updateInput(registry.id, { authType: "iam_role", roleArn: "arn:aws:iam::123456789012:role/Pull", name: "renamed" }));
      expect((await getRegistry(team.teamId, registry.id))!.testStatus).toBe("verified");
      await updateRegistry(team.teamId, team.actor, updateInput(registry.id, { authType: "iam_role", roleArn: "arn:aws:iam::123456789012:role/Other", name: "renamed" }));
      expect(await getRegistry(team.teamId, registry.id)).toMatchObject({ testStatus: "never", verifiedAt: null });
    });
  });

  describe("Portal's own AWS identity", () => {
    it("is refused unless ALLOW_AMBIENT_AWS_CREDENTIALS is true", async () => {
      const team = await newTeam();
      const input = createInput({ authType: "ambient", accessKeyId: "", secretAccessKey: "" });
      await expect(createRegistry(team.teamId, team.actor, input)).rejects.toMatchObject({ fieldErrors: { authType: expect.stringMatching(/ALLOW_AMBIENT_AWS_CREDENTIALS/) } });
      expect(await listRegistries(team.teamId)).toHaveLength(0);

      process.env.ALLOW_AMBIENT_AWS_CREDENTIALS = "true";
      resetEnvCache();
      const registry = await createRegistry(team.teamId, team.actor, input);
      expect(registry.authType).toBe("ambient");
      expect(await loadRegistryCredentials(team.teamId, registry.id)).toEqual({ authType: "ambient" });

      delete process.env.ALLOW_AMBIENT_AWS_CREDENTIALS;
      resetEnvCache();
      await expect(loadRegistryCredentials(team.teamId, registry.id)).rejects.toBeInstanceOf(UserFacingError);
    });
  });

  describe("names, app access and tenancy", () => {
    it("keeps names unique per team, with the error on the name field", async () => {
      const team = await newTeam();
      const other = await newTeam();
      await createRegistry(team.teamId, team.actor, createInput({ name: "shared" }));
      await expect(createRegistry(team.teamId, team.actor, createInput({ name: "shared" }))).rejects.toMatchObject({ fieldErrors: { name: expect.stringMatching(/already called shared/) } });
      await expect(createRegistry(other.teamId, other.actor, createInput({ name: "shared" }))).resolves.toMatchObject({ name: "shared" });
      // Unnamed registries do not clash.
      await createRegistry(team.teamId, team.actor, createInput());
      await createRegistry(team.teamId, team.actor, createInput());
    });

    it("limits access to chosen applications of the team, and refuses another team's application", async () => {
      const team = await newTeam();
      const other = await newTeam();
      const web = await createApplication(team.teamId, team.actor, { name: "Web" });
      const api = await createApplication(team.teamId, team.actor, { name: "Api" });
      const foreign = await createApplication(other.teamId, other.actor, { name: "Foreign" });

      const registry = await createRegistry(team.teamId, team.actor, createInput({ allApplications: false, applicationIds: [web.id] }));
      expect(registry.applications.map((application) => application.id)).toEqual([web.id]);
      const updated = await updateRegistry(team.teamId, team.actor, updateInput(registry.id, { allApplications: false, applicationIds: [web.id, api.id] }));
      expect(updated.applications.map((application) => application.name)).toEqual(["Api", "Web"]);

      await expect(createRegistry(team.teamId, team.actor, createInput({ allApplications: false, applicationIds: [foreign.id] }))).rejects.toMatchObject({ fieldErrors: { applicationIds: expect.any(String) } });
      await expect(updateRegistry(team.teamId, team.actor, updateInput(registry.id, { allApplications: false, applicationIds: [web.id, foreign.id] }))).rejects.toMatchObject({ fieldErrors: { applicationIds: expect.any(String) } });
      expect(ZCreateRegistryInput.safeParse({ ...createInput(), allApplications: false, applicationIds: [] }).error?.issues[0]?.path).toEqual(["applicationIds"]);
    });

    it("treats another team's registry as not found for read, update, delete and credentials", async () => {
      const victim = await newTeam();
      const attacker = await newTeam();
      const registry = await createRegistry(victim.teamId, victim.actor, createInput({ name: "victim" }));
      expect(await getRegistry(attacker.teamId, registry.id)).toBeNull();
      expect(await listRegistries(attacker.teamId)).toHaveLength(0);
      await expect(updateRegistry(attacker.teamId, attacker.actor, updateInput(registry.id, { name: "pwned" }))).rejects.toMatchObject({ code: "not_found" });
      await expect(deleteRegistry(attacker.teamId, attacker.actor, registry.id)).rejects.toMatchObject({ code: "not_found" });
      expect(await loadRegistryCredentials(attacker.teamId, registry.id)).toBeNull();
      expect(await getRegistry(victim.teamId, registry.id)).toMatchObject({ name: "victim" });
    });
  });
});
