import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { createApplication } from "@/lib/applications/service";
import { signUp } from "@/lib/auth/service";
import { randomBytes } from "node:crypto";
import { findCustomerByLicense, hashLicenseId, resetLicenseKeyCache } from "@/lib/customers/license";
import { ZCreateCustomerInput, ZUpdateCustomerInput } from "@/lib/customers/schema";
import { createCustomer, getCustomer, getCustomerLicense, listCustomers, regenerateLicense, restoreCustomer, revokeCustomer, updateCustomer } from "@/lib/customers/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";

const unique = () => Math.random().toString(36).slice(2, 10);

async function newTeam() {
  const email = `cust-${unique()}@example.com`;
  const { userId, teamId } = await signUp({ name: "Cust", email, password: "a long enough passphrase", teamName: "Customers" });
  const actor = { userId, email };
  const application = await createApplication(teamId, actor, { name: `App ${unique()}` });
  return { teamId, actor, application };
}

function createInput(applicationId: string, overrides: Record<string, string> = {}) {
  return ZCreateCustomerInput.parse({ applicationId, name: "Acme Corp", email: "", expiresOn: "", ...overrides });
}

async function rawRow(customerId: string): Promise<string> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT * FROM "Customer" WHERE id = $1', [customerId]);
    return JSON.stringify(rows[0]);
  } finally {
    await client.end();
  }
}

describe("customers (real Postgres)", () => {
  let team: Awaited<ReturnType<typeof newTeam>>;
  let other: Awaited<ReturnType<typeof newTeam>>;
  beforeAll(async () => {
    team = await newTeam();
    other = await newTeam();
  });

  it("creates a customer whose license is stored only as a keyed hash and a ciphertext, and finds it by license", async () => {
    const { customer, licenseId } = await createCustomer(team.teamId, team.actor, createInput(team.application.id, { email: "Ops@Acme.example" }));
    expect(customer).toMatchObject({ name: "Acme Corp", email: "ops@acme.example", state: "active", expiresAt: null });
    const raw = await rawRow(customer.id);
    expect(raw).not.toContain(licenseId);
    expect(raw).not.toContain(licenseId.slice(4));
    expect(raw).toContain(hashLicenseId(licenseId));
    expect(raw).toMatch(/"encryptedLicense":"v1:k[0-9a-f]{8}:/);
    // The default client never returns the ciphertext.
    const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect("encryptedLicense" in row).toBe(false);

    expect(await getCustomerLicense(team.teamId, customer.id)).toBe(licenseId);
    expect(await findCustomerByLicense(licenseId)).toEqual({
      id: customer.id,
      teamId: team.teamId,
      applicationId: team.application.id,
      applicationSlug: team.application.slug,
      name: "Acme Corp",
      email: "ops@acme.example",
      expiresAt: null,
      revokedAt: null,
    });
    const audit = await prisma.auditEvent.findMany({ where: { teamId: team.teamId, targetId: customer.id } });
    expect(audit.map((event) => event.action)).toEqual(["customer.created"]);
    expect(JSON.stringify(audit)).not.toContain(licenseId);
  });

  it("does not find an unknown or malformed license", async () => {
    expect(await findCustomerByLicense("lic_" + "a".repeat(32))).toBeNull();
    expect(await findCustomerByLicense("not-a-license")).toBeNull();
    expect(await findCustomerByLicense("")).toBeNull();
  });

  it("regenerating makes the old license stop matching at once and leaves other customers alone", async () => {
    const { customer, licenseId: oldLicense } = await createCustomer(team.teamId, team.actor, createInput(team.application.id, { name: "Regen Ltd" }));
    const { licenseId: bystanderLicense } = await createCustomer(team.teamId, team.actor, createInput(team.application.id, { name: "Bystander" }));
    const { licenseId: newLicense } = await regenerateLicense(team.teamId, team.actor, customer.id);
    expect(newLicense).not.toBe(oldLicense);
    expect(await findCustomerByLicense(oldLicense)).toBeNull();
    expect((await findCustomerByLicense(newLicense))?.id).toBe(customer.id);
    expect(await getCustomerLicense(team.teamId, customer.id)).toBe(newLicense);
    expect((await findCustomerByLicense(bystanderLicense))?.name).toBe("Bystander");
    const audit = await prisma.auditEvent.findMany({ where: { teamId: team.teamId, targetId: customer.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((event) => event.action)).toEqual(["customer.created", "customer.license_regenerated"]);
    expect(JSON.stringify(audit)).not.toContain(newLicense);
  });

  it("revokes and restores, with the state the proxy checks", async () => {
    const { customer, licenseId } = await createCustomer(team.teamId, team.actor, createInput(team.application.id, { name: "Revoked Inc" }));
    const revoked = await revokeCustomer(team.teamId, team.actor, customer.id);
    expect(revoked.state).toBe("revoked");
    expect((await findCustomerByLicense(licenseId))?.revokedAt).toBeInstanceOf(Date);
    await expect(revokeCustomer(team.teamId, team.actor, customer.id)).rejects.toMatchObject({ code: "already_revoked" });
    expect((await restoreCustomer(team.teamId, team.actor, customer.id)).state).toBe("active");
    const actions = (await prisma.auditEvent.findMany({ where: { teamId: team.teamId, targetId: customer.id }, orderBy: { createdAt: "asc" } })).map((event) => event.action);
    expect(actions).toEqual(["customer.created", "customer.revoked", "customer.restored"]);
  });

  it("edits name, email and expiry; the license expires at the end of its last day (UTC)", async () => {
    const { customer } = await createCustomer(team.teamId, team.actor, createInput(team.application.id, { name: "Edit Me" }));
    const lastDay = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const updated = await updateCustomer(team.teamId, team.actor, ZUpdateCustomerInput.parse({ customerId: customer.id, name: "Edited", email: "a@b.example", expiresOn: lastDay }));
    expect(updated).toMatchObject({ name: "Edited", email: "a@b.example", state: "active" });
    expect(updated.expiresAt?.toISOString()).toBe(new Date(Date.parse(`${lastDay}T00:00:00Z`) + 86_400_000).toISOString());
    // An expired license is found (so the proxy can say why) but its state is expired.
    await prisma.customer.update({ where: { id: customer.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await getCustomer(team.teamId, customer.id))?.state).toBe("expired");
  });

  it("refuses an expiry date in the past with a message naming the field", () => {
    const result = ZCreateCustomerInput.safeParse({ applicationId: "x", name: "n", email: "", expiresOn: "2001-01-01" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["expiresOn"], message: expect.stringMatching(/already passed/) });
    expect(ZCreateCustomerInput.safeParse({ applicationId: "x", name: "n", email: "nope", expiresOn: "" }).error?.issues[0]?.message).toMatch(/email address/);
    // Editing an expired customer keeps its past date valid, so other fields can change.
    expect(ZUpdateCustomerInput.parse({ customerId: "x", name: "n", email: "", expiresOn: "2001-01-01" }).expiresOn).toBe("2001-01-01");
    expect(ZUpdateCustomerInput.safeParse({ customerId: "x", name: "n", email: "", expiresOn: "yesterday" }).success).toBe(false);
  });

  it("searches by name, email and a pasted license, within the application", async () => {
    const { licenseId } = await createCustomer(team.teamId, team.actor, createInput(team.application.id, { name: "Searchable GmbH", email: "it@searchable.example" }));
    expect((await listCustomers(team.teamId, team.application.id, { search: "searchABLE g" })).customers.map((c) => c.name)).toEqual(["Searchable GmbH"]);
    expect((await listCustomers(team.teamId, team.application.id, { search: "it@search" })).customers.map((c) => c.name)).toEqual(["Searchable GmbH"]);
    expect((await listCustomers(team.teamId, team.application.id, { search: licenseId })).customers.map((c) => c.name)).toEqual(["Searchable GmbH"]);
    expect((await listCustomers(team.teamId, team.application.id, { search: "no such customer" })).total).toBe(0);
  });

  it("isolates teams: another team's customer is not found, listed, read or changed", async () => {
    const { customer, licenseId } = await createCustomer(team.teamId, team.actor, createInput(team.application.id, { name: "Victim Co" }));
    expect(await getCustomer(other.teamId, customer.id)).toBeNull();
    expect((await listCustomers(other.teamId, team.application.id)).total).toBe(0);
    expect((await listCustomers(other.teamId, other.application.id, { search: licenseId })).total).toBe(0);
    await expect(getCustomerLicense(other.teamId, customer.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeCustomer(other.teamId, other.actor, customer.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(restoreCustomer(other.teamId, other.actor, customer.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(regenerateLicense(other.teamId, other.actor, customer.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(updateCustomer(other.teamId, other.actor, ZUpdateCustomerInput.parse({ customerId: customer.id, name: "pwned", email: "", expiresOn: "" }))).rejects.toMatchObject({ code: "not_found" });
    // Creating a customer in one's own team for another team's application is refused.
    await expect(createCustomer(other.teamId, other.actor, createInput(team.application.id, { name: "Sneaky" }))).rejects.toMatchObject({ code: "not_found" });
    expect(await findCustomerByLicense(licenseId)).toMatchObject({ name: "Victim Co", teamId: team.teamId, revokedAt: null });
    expect(await prisma.customer.count({ where: { teamId: other.teamId } })).toBe(0);
  });

  it("binds the ciphertext to its row: copied to another customer it does not decrypt", async () => {
    const a = await createCustomer(team.teamId, team.actor, createInput(team.application.id, { name: "Row A" }));
    const b = await createCustomer(team.teamId, team.actor, createInput(team.application.id, { name: "Row B" }));
    const stored = await prisma.customer.findUniqueOrThrow({ where: { id: a.customer.id }, omit: { encryptedLicense: false } });
    await prisma.customer.update({ where: { id: b.customer.id }, data: { encryptedLicense: stored.encryptedLicense } });
    await expect(getCustomerLicense(team.teamId, b.customer.id)).rejects.toThrow(/another row|authentication failed/);
  });

  it("still finds a license after the data-encryption key is rotated (the old key listed as previous)", async () => {
    const { customer, licenseId } = await createCustomer(team.teamId, team.actor, createInput(team.application.id, { name: "Rotation AG" }));
    const original = process.env.DATA_ENCRYPTION_KEY!;
    try {
      process.env.DATA_ENCRYPTION_KEY = randomBytes(32).toString("base64");
      process.env.DATA_ENCRYPTION_KEYS_PREVIOUS = original;
      resetEnvCache();
      resetLicenseKeyCache();
      expect((await findCustomerByLicense(licenseId))?.id).toBe(customer.id);
      expect((await listCustomers(team.teamId, team.application.id, { search: licenseId })).customers.map((c) => c.id)).toEqual([customer.id]);
      // Without the old key, the stored hash no longer matches.
      delete process.env.DATA_ENCRYPTION_KEYS_PREVIOUS;
      resetEnvCache();
      resetLicenseKeyCache();
      expect(await findCustomerByLicense(licenseId)).toBeNull();
    } finally {
      process.env.DATA_ENCRYPTION_KEY = original;
      delete process.env.DATA_ENCRYPTION_KEYS_PREVIOUS;
      resetEnvCache();
      resetLicenseKeyCache();
    }
  });
});
