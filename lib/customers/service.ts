import "server-only";
// Customers of an application and their licenses. Every query is scoped by
// teamId; the encrypted license is read only by getCustomerLicense.
import { auditChanges, type AuditedField } from "@/lib/audit/changes";
import { recordAuditEvent, type AuditActor } from "@/lib/audit/service";
import { getDataSecretBox } from "@/lib/crypto/data-secret-box";
import { generateLicenseId, hashLicenseId, licenseHashCandidates, licenseState, type LicenseState } from "@/lib/customers/license";
import { isLicenseIdFormat } from "@/lib/customers/license-id";
import { expiryFromDate, ZCreateCustomerInput, ZUpdateCustomerInput } from "@/lib/customers/schema";
import { prisma } from "@/lib/db";
import { nextVersion, unchangedSince, writeIfUnchanged, type ConditionalWrite } from "@/lib/db/conditional-write";
import type { TCustomerListQuery } from "@/lib/customers/list-query";
import { pageWindow } from "@/lib/lists/search-params";
import { keysetQuery, toPage, type Page, type PageRequest } from "@/lib/db/pagination";
import type { Prisma } from "@/lib/generated/prisma/client";
import { NOT_FOUND, UserFacingError } from "@/lib/http/result";
import type { z } from "zod";

const CUSTOMER_FIELDS = {
  id: true,
  applicationId: true,
  name: true,
  email: true,
  expiresAt: true,
  revokedAt: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.CustomerSelect;

type CustomerRow = Prisma.CustomerGetPayload<{ select: typeof CUSTOMER_FIELDS }>;

export interface CustomerView extends CustomerRow {
  state: LicenseState;
}

function toView(row: CustomerRow): CustomerView {
  return { ...row, state: licenseState(row) };
}

type ParsedCreate = z.output<typeof ZCreateCustomerInput>;
type ParsedUpdate = z.output<typeof ZUpdateCustomerInput>;

export const CUSTOMER_LIST_LIMIT = 200;

/**
 * The application's customers, newest first. `search` matches name or email
 * (case-insensitive), or a whole license ID pasted by the vendor.
 */
export async function listCustomers(teamId: string, applicationId: string, options: { search?: string } = {}) {
  const where = customerSearchWhere(teamId, applicationId, options.search);
  const [rows, total] = await Promise.all([
    prisma.customer.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "asc" }], take: CUSTOMER_LIST_LIMIT, select: CUSTOMER_FIELDS }),
    prisma.customer.count({ where }),
  ]);
  return { customers: rows.map(toView), total };
}

/** One page of the customers list (lib/customers/list-query.ts): search, license state, sort. */
export async function searchCustomers(teamId: string, applicationId: string, query: TCustomerListQuery, now = new Date()) {
  const where: Prisma.CustomerWhereInput = { AND: [customerSearchWhere(teamId, applicationId, query.q), stateWhere(query.state, now)] };
  const dir = query.dir;
  const orderBy: Prisma.CustomerOrderByWithRelationInput[] =
    query.sort === "name" ? [{ name: dir }, { id: dir }] : query.sort === "expires" ? [{ expiresAt: { sort: dir, nulls: "last" } }, { id: dir }] : [{ createdAt: dir }, { id: dir }];
  const total = await prisma.customer.count({ where });
  const window = pageWindow(query.page, total);
  const rows = await prisma.customer.findMany({ where, orderBy, skip: window.skip, take: window.take, select: CUSTOMER_FIELDS });
  return { items: rows.map(toView), page: window };
}

function stateWhere(state: TCustomerListQuery["state"], now: Date): Prisma.CustomerWhereInput {
  if (state === "revoked") return { revokedAt: { not: null } };
  if (state === "expired") return { revokedAt: null, expiresAt: { lte: now } };
  if (state === "active") return { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
  return {};
}

/** The same search as listCustomers, one keyset page at a time (newest first), for the REST API. */
export async function listCustomersPage(teamId: string, applicationId: string, page: PageRequest & { search?: string | undefined }): Promise<Page<CustomerView>> {
  const keyset = keysetQuery(page, "desc");
  const rows = await prisma.customer.findMany({
    where: { AND: [customerSearchWhere(teamId, applicationId, page.search), keyset.where] },
    orderBy: keyset.orderBy,
    take: keyset.take,
    select: CUSTOMER_FIELDS,
  });
  return toPage(rows.map(toView), page);
}

function customerSearchWhere(teamId: string, applicationId: string, rawSearch: string | undefined): Prisma.CustomerWhereInput {
  const search = rawSearch?.trim() ?? "";
  const where: Prisma.CustomerWhereInput = { teamId, applicationId };
  if (search !== "" && isLicenseIdFormat(search)) where.licenseHash = { in: licenseHashCandidates(search) };
  else if (search !== "") where.OR = [{ name: { contains: search, mode: "insensitive" } }, { email: { contains: search, mode: "insensitive" } }];
  return where;
}

export async function getCustomer(teamId: string, customerId: string): Promise<CustomerView | null> {
  const row = await prisma.customer.findFirst({ where: { id: customerId, teamId }, select: CUSTOMER_FIELDS });
  return row ? toView(row) : null;
}

/** The license in clear, for the customer page of a member or admin. */
export async function getCustomerLicense(teamId: string, customerId: string): Promise<string> {
  const row = await prisma.customer.findFirst({ where: { id: customerId, teamId }, select: { id: true, teamId: true, encryptedLicense: true } });
  if (!row) throw NOT_FOUND();
  return getDataSecretBox().decrypt(row.encryptedLicense, [row.teamId, row.id]);
}

export async function createCustomer(teamId: string, actor: AuditActor, input: ParsedCreate): Promise<{ customer: CustomerView; licenseId: string }> {
  const application = await prisma.application.findFirst({ where: { id: input.applicationId, teamId }, select: { id: true } });
  if (!application) throw NOT_FOUND();
  const licenseId = generateLicenseId();
  const customer = await prisma.$transaction(async (tx) => {
    // The encrypted license is bound to the row's ID, known only after the insert.
    const created = await tx.customer.create({
      data: { teamId, applicationId: application.id, name: input.name, email: input.email, expiresAt: expiryFromDate(input.expiresOn), licenseHash: hashLicenseId(licenseId), encryptedLicense: "" },
      select: { id: true },
    });
    const row = await tx.customer.update({ where: { id: created.id, teamId }, data: { encryptedLicense: getDataSecretBox().encrypt(licenseId, [teamId, created.id]) }, select: CUSTOMER_FIELDS });
    await recordAuditEvent(teamId, actor, "customer.created", { type: "customer", id: row.id }, { name: row.name, applicationId: application.id }, tx);
    return row;
  });
  return { customer: toView(customer), licenseId };
}

const AUDITED_CUSTOMER_FIELDS: AuditedField<{ name: string; email: string | null; expiresAt: Date | null }>[] = [
  { label: "Name", value: (customer) => customer.name },
  { label: "Email", value: (customer) => customer.email },
  { label: "Expires", value: (customer) => customer.expiresAt?.toISOString() ?? "never" },
];

export async function updateCustomer(teamId: string, actor: AuditActor, input: ParsedUpdate, options: ConditionalWrite = {}): Promise<CustomerView> {
  const existing = await prisma.customer.findFirst({ where: { id: input.customerId, teamId }, select: CUSTOMER_FIELDS });
  if (!existing) throw NOT_FOUND();
  const expiresAt = expiryFromDate(input.expiresOn);
  const row = await writeIfUnchanged(options, () =>
    prisma.customer.update({ where: { id: existing.id, teamId, ...unchangedSince(options) }, data: { name: input.name, email: input.email, expiresAt, ...nextVersion(options) }, select: CUSTOMER_FIELDS }),
  );
  const changes = auditChanges(existing, row, AUDITED_CUSTOMER_FIELDS);
  await recordAuditEvent(teamId, actor, "customer.updated", { type: "customer", id: row.id }, { customer: row.name, changes });
  return toView(row);
}

/** The license stops working at once; pulls in flight finish, new requests are refused. */
export async function revokeCustomer(teamId: string, actor: AuditActor, customerId: string): Promise<CustomerView> {
  const existing = await prisma.customer.findFirst({ where: { id: customerId, teamId }, select: CUSTOMER_FIELDS });
  if (!existing) throw NOT_FOUND();
  if (existing.revokedAt) throw new UserFacingError("already_revoked", `${existing.name}'s license is already revoked.`);
  const row = await prisma.customer.update({ where: { id: existing.id, teamId }, data: { revokedAt: new Date() }, select: CUSTOMER_FIELDS });
  await recordAuditEvent(teamId, actor, "customer.revoked", { type: "customer", id: row.id }, { customer: row.name });
  return toView(row);
}

/** Undoes a revocation; the same license works again (regenerate it if it leaked). */
export async function restoreCustomer(teamId: string, actor: AuditActor, customerId: string): Promise<CustomerView> {
  const existing = await prisma.customer.findFirst({ where: { id: customerId, teamId }, select: CUSTOMER_FIELDS });
  if (!existing) throw NOT_FOUND();
  if (!existing.revokedAt) throw new UserFacingError("not_revoked", `${existing.name}'s license is not revoked.`);
  const row = await prisma.customer.update({ where: { id: existing.id, teamId }, data: { revokedAt: null }, select: CUSTOMER_FIELDS });
  await recordAuditEvent(teamId, actor, "customer.restored", { type: "customer", id: row.id }, { customer: row.name });
  return toView(row);
}

/** A new license ID; the old one stops matching at once. Other customers are not affected. */
export async function regenerateLicense(teamId: string, actor: AuditActor, customerId: string): Promise<{ licenseId: string }> {
  const existing = await prisma.customer.findFirst({ where: { id: customerId, teamId }, select: { id: true, name: true } });
  if (!existing) throw NOT_FOUND();
  const licenseId = generateLicenseId();
  await prisma.$transaction(async (tx) => {
    await tx.customer.update({
      where: { id: existing.id, teamId },
      data: { licenseHash: hashLicenseId(licenseId), encryptedLicense: getDataSecretBox().encrypt(licenseId, [teamId, existing.id]) },
      select: { id: true },
    });
    await recordAuditEvent(teamId, actor, "customer.license_regenerated", { type: "customer", id: existing.id }, { customer: existing.name }, tx);
  });
  return { licenseId };
}

/** Customer names by ID for the pull activity page (scoped to the team). */
export async function customerNames(teamId: string, applicationId: string): Promise<{ id: string; name: string }[]> {
  return prisma.customer.findMany({ where: { teamId, applicationId }, orderBy: { name: "asc" }, select: { id: true, name: true } });
}
