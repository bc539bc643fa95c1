import "server-only";
// What a new application still lacks, so its page can offer the next step
// (add a registry, add a customer) instead of leaving the vendor to find it.
import { prisma } from "@/lib/db";

export interface ApplicationNextSteps {
  needsRegistry: boolean;
  needsCustomer: boolean;
}

export async function getApplicationNextSteps(teamId: string, applicationId: string): Promise<ApplicationNextSteps> {
  const [registries, customers] = await Promise.all([
    prisma.registry.count({ where: { teamId, OR: [{ allApplications: true }, { applications: { some: { applicationId } } }] } }),
    prisma.customer.count({ where: { teamId, applicationId } }),
  ]);
  return { needsRegistry: registries === 0, needsCustomer: customers === 0 };
}
