import "server-only";
// The vendor's switch for an application's customer page, as the Customers
// tab, the server action and the REST API read and change it.
import type { z } from "zod";
import { recordAuditEvent, type AuditActor } from "@/lib/audit/service";
import type { ZCustomerPageSettingInput } from "@/lib/customer-portal/schema";
import { prisma } from "@/lib/db";
import { nextVersion, unchangedSince, writeIfUnchanged, type ConditionalWrite } from "@/lib/db/conditional-write";
import { getEnv } from "@/lib/env";
import { NOT_FOUND } from "@/lib/http/result";

export interface CustomerPageSetting {
  applicationId: string;
  enabled: boolean;
  /** The address customers sign in at. */
  url: string;
  /** The application's version (the switch is one of its fields). */
  updatedAt: Date;
}

export async function isCustomerPageEnabled(teamId: string, applicationId: string): Promise<boolean> {
  return (await getCustomerPageSetting(teamId, applicationId))?.enabled ?? false;
}

export async function getCustomerPageSetting(teamId: string, applicationId: string): Promise<CustomerPageSetting | null> {
  const application = await prisma.application.findFirst({ where: { id: applicationId, teamId }, select: { id: true, customerPageEnabled: true, updatedAt: true } });
  return application && { applicationId: application.id, enabled: application.customerPageEnabled, url: customerPageUrl(), updatedAt: application.updatedAt };
}

/**
 * Switches the page on or off (audit-logged when it changes); off ends its
 * customers' sessions at their next request. With ifUnchangedSince, only if
 * the application is unchanged since.
 */
export async function setCustomerPageEnabled(teamId: string, actor: AuditActor, input: z.output<typeof ZCustomerPageSettingInput>, options: ConditionalWrite = {}): Promise<CustomerPageSetting> {
  const application = await prisma.application.findFirst({ where: { id: input.applicationId, teamId }, select: { id: true, name: true, customerPageEnabled: true } });
  if (!application) throw NOT_FOUND();
  if (application.customerPageEnabled !== input.enabled) {
    await writeIfUnchanged(options, () =>
      prisma.$transaction(async (tx) => {
        await tx.application.update({ where: { id: application.id, teamId, ...unchangedSince(options) }, data: { customerPageEnabled: input.enabled, ...nextVersion(options) }, select: { id: true } });
        await recordAuditEvent(teamId, actor, "application.customer_page_changed", { type: "application", id: application.id }, { name: application.name, enabled: input.enabled }, tx);
      }),
    );
  }
  return (await getCustomerPageSetting(teamId, application.id))!;
}

/** The address customers sign in at. */
export function customerPageUrl(): string {
  return `${getEnv().APP_URL.replace(/\/$/, "")}/customer`;
}
