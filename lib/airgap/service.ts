import "server-only";
// Preparing an air-gap download for the customer's page: the selection is
// planned once (so the page can show the archive's size and what it holds,
// and a refusal is explained before anything downloads), then handed back
// as a signed link to the archive, with the archive's sha256 once a first
// full download has computed it.
import { findArchiveDigest } from "@/lib/airgap/archive-digest";
import { airGapCommands, type AirGapCommands } from "@/lib/airgap/commands";
import { airGapLink } from "@/lib/airgap/links";
import { planArchive, type ArchivePlan } from "@/lib/airgap/plan";
import { airGapQuery, type TAirGapSelection } from "@/lib/airgap/schema";
import { recordAuditEvent, type AuditActor } from "@/lib/audit/service";
import { prisma } from "@/lib/db";
import { NOT_FOUND, UserFacingError } from "@/lib/http/result";
import { assertLicenseActive, pullCustomer } from "@/lib/proxy/auth";
import { ProxyError } from "@/lib/proxy/errors";
import { proxyHost } from "@/lib/proxy/proxy-reference";

export interface PreparedDownload {
  url: string;
  size: number;
  refs: string[];
  /** Each image's digest in the archive; sourceIndex when chosen platforms replaced the registry's index. */
  images: ArchivePlan["images"];
  expiresAt: Date;
  /** Hex SHA-256 of the whole archive, known after its first complete full download; null before. */
  sha256: string | null;
  commands: AirGapCommands;
}

export async function prepareAirGapDownload(customer: { id: string; teamId: string; licenseHash: string }, selection: TAirGapSelection): Promise<PreparedDownload> {
  const pulling = await pullCustomer(customer.teamId, customer.id);
  if (!pulling) throw new UserFacingError("not_found", "This license no longer exists.");
  try {
    assertLicenseActive(pulling, "DENIED");
    const plan = await planArchive({ customer: pulling, grantedNames: null }, proxyHost(), selection);
    const link = await airGapLink(customer, airGapQuery(selection.images, selection.platforms));
    const digest = await findArchiveDigest(customer.teamId, plan.planKey);
    return { url: link.url, size: plan.size, refs: plan.refs, images: plan.images, expiresAt: link.expiresAt, sha256: digest?.sha256 ?? null, commands: airGapCommands(link.url, plan.refs) };
  } catch (error) {
    if (error instanceof ProxyError) throw new UserFacingError(error.code === "DENIED" ? "forbidden" : "invalid_input", error.message);
    throw error;
  }
}

/**
 * The same download, made by the vendor for one of its customers (the
 * customer's license and entitlements apply), audit-logged with what it holds
 * (never the link itself: it is a credential for 24 hours).
 */
export async function prepareVendorAirGapDownload(teamId: string, actor: AuditActor, customerId: string, selection: TAirGapSelection, applicationId?: string): Promise<PreparedDownload> {
  const customer = await prisma.customer.findFirst({ where: { id: customerId, teamId, ...(applicationId === undefined ? {} : { applicationId }) }, select: { id: true, teamId: true, licenseHash: true, name: true } });
  if (!customer) throw NOT_FOUND();
  const prepared = await prepareAirGapDownload(customer, selection);
  await recordAuditEvent(teamId, actor, "customer.airgap_link_created", { type: "customer", id: customer.id }, { customer: customer.name, images: prepared.refs, size: prepared.size, expiresAt: prepared.expiresAt.toISOString() });
  return prepared;
}
