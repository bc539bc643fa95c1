import "server-only";
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";

export async function isCustomerPageEnabled(teamId: string, applicationId: string): Promise<boolean> {
  const application = await prisma.application.findFirst({ where: { id: applicationId, teamId }, select: { customerPageEnabled: true } });
  return application?.customerPageEnabled ?? false;
}

/** The address customers sign in at. */
export function customerPageUrl(): string {
  return `${getEnv().APP_URL.replace(/\/$/, "")}/customer`;
}
