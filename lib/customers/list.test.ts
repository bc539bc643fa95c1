// The customers list against a real Postgres: license state filter, sort,
// pages, search, within the application and the team.
import { beforeAll, describe, expect, it } from "vitest";
import { createApplication } from "@/lib/applications/service";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { ZCustomerListQuery } from "@/lib/customers/list-query";
import { ZCreateCustomerInput } from "@/lib/customers/schema";
import { createCustomer, revokeCustomer, searchCustomers } from "@/lib/customers/service";

const unique = () => Math.random().toString(36).slice(2, 10);
let teamId: string;
let applicationId: string;
let otherTeam: { teamId: string; applicationId: string };
const query = (raw: Record<string, string>) => ZCustomerListQuery.parse(raw);

async function team() {
  const email = `clist-${unique()}@example.com`;
  const { userId, teamId } = await signUp({ name: "C", email, password: "a long enough passphrase", teamName: "Customers" });
  const actor = { userId, email };
  const application = await createApplication(teamId, actor, { name: "Shop" });
  return { teamId, actor, applicationId: application.id };
}

beforeAll(async () => {
  const mine = await team();
  teamId = mine.teamId;
  applicationId = mine.applicationId;
  const add = (name: string) => createCustomer(teamId, mine.actor, ZCreateCustomerInput.parse({ applicationId, name, email: "", expiresOn: "" }));
  for (const name of ["Acme", "Bolt", "Crane"]) await add(name);
  const expired = (await add("Dynamo")).customer;
  await prisma.customer.updateMany({ where: { id: expired.id, teamId }, data: { expiresAt: new Date(Date.now() - 86_400_000) } });
  const revoked = (await add("Echo")).customer;
  await revokeCustomer(teamId, mine.actor, revoked.id);
  for (let index = 0; index < 26; index++) await add(`Filler ${String(index).padStart(2, "0")}`);
  const other = await team();
  otherTeam = { teamId: other.teamId, applicationId: other.applicationId };
  await createCustomer(other.teamId, other.actor, ZCreateCustomerInput.parse({ applicationId: other.applicationId, name: "Acme of another team", email: "", expiresOn: "" }));
});

describe("searchCustomers", () => {
  it("filters by license state", async () => {
    expect((await searchCustomers(teamId, applicationId, query({ state: "expired" }))).items.map((c) => c.name)).toEqual(["Dynamo"]);
    expect((await searchCustomers(teamId, applicationId, query({ state: "revoked" }))).items.map((c) => c.name)).toEqual(["Echo"]);
    expect((await searchCustomers(teamId, applicationId, query({ state: "active" }))).page.total).toBe(29);
  });

  it("sorts by name and pages, newest first by default", async () => {
    const byName = await searchCustomers(teamId, applicationId, query({ sort: "name", dir: "asc" }));
    expect(byName.items.slice(0, 3).map((c) => c.name)).toEqual(["Acme", "Bolt", "Crane"]);
    expect(byName.page).toMatchObject({ total: 31, pageCount: 2, from: 1, to: 25 });
    const newest = await searchCustomers(teamId, applicationId, query({}));
    expect(newest.items[0]!.name).toBe("Filler 25");
    expect((await searchCustomers(teamId, applicationId, query({ page: "2" }))).items).toHaveLength(6);
  });

  it("searches within the team's application only", async () => {
    expect((await searchCustomers(teamId, applicationId, query({ q: "acme" }))).items.map((c) => c.name)).toEqual(["Acme"]);
    expect((await searchCustomers(otherTeam.teamId, applicationId, query({}))).page.total).toBe(0);
  });
});
