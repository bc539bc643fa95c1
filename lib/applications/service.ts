import "server-only";
import { recordAuditEvent, type AuditActor } from "@/lib/audit/service";
import { slugify, type TCreateApplicationInput, type TRenameApplicationInput } from "@/lib/applications/schema";
import { prisma } from "@/lib/db";
import { nextVersion, unchangedSince, writeIfUnchanged, type ConditionalWrite } from "@/lib/db/conditional-write";
import { Prisma } from "@/lib/generated/prisma/client";
import { keysetQuery, toPage, type Page, type PageRequest } from "@/lib/db/pagination";
import { NOT_FOUND } from "@/lib/http/result";

const APPLICATION_FIELDS = { id: true, name: true, slug: true, createdAt: true, updatedAt: true } as const;

export async function listApplications(teamId: string) {
  return prisma.application.findMany({ where: { teamId }, orderBy: { name: "asc" }, select: APPLICATION_FIELDS });
}

/** One page of the team's applications, oldest first (the API's list). */
export async function listApplicationsPage(teamId: string, page: PageRequest): Promise<Page<Awaited<ReturnType<typeof listApplications>>[number]>> {
  const query = keysetQuery(page, "asc");
  const rows = await prisma.application.findMany({ where: { teamId, ...query.where }, orderBy: query.orderBy, take: query.take, select: APPLICATION_FIELDS });
  return toPage(rows, page);
}

export async function getApplication(teamId: string, applicationId: string) {
  return prisma.application.findFirst({ where: { teamId, id: applicationId }, select: APPLICATION_FIELDS });
}

export async function getApplicationBySlug(teamId: string, slug: string) {
  return prisma.application.findFirst({ where: { teamId, slug }, select: APPLICATION_FIELDS });
}

export async function createApplication(teamId: string, actor: AuditActor, input: TCreateApplicationInput) {
  const base = slugify(input.name);
  // Slugs are unique per team; on a clash try base-2, base-3, ...
  for (let attempt = 1; attempt <= 20; attempt++) {
    const slug = attempt === 1 ? base : `${base}-${attempt}`;
    try {
      const application = await prisma.application.create({ data: { teamId, name: input.name, slug }, select: APPLICATION_FIELDS });
      await recordAuditEvent(teamId, actor, "application.created", { type: "application", id: application.id }, { name: application.name });
      return application;
    } catch (error) {
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    }
  }
  throw new Error("could not find a free application slug");
}

export async function renameApplication(teamId: string, actor: AuditActor, input: TRenameApplicationInput, options: ConditionalWrite = {}) {
  const existing = await prisma.application.findFirst({ where: { id: input.applicationId, teamId }, select: { id: true, name: true } });
  if (!existing) throw NOT_FOUND();
  // The slug stays: links and, later, proxy paths keep working after a rename.
  const application = await writeIfUnchanged(options, () =>
    prisma.application.update({ where: { id: existing.id, teamId, ...unchangedSince(options) }, data: { name: input.name, ...nextVersion(options) }, select: APPLICATION_FIELDS }),
  );
  await recordAuditEvent(teamId, actor, "application.renamed", { type: "application", id: existing.id }, { from: existing.name, to: input.name });
  return application;
}

export async function deleteApplication(teamId: string, actor: AuditActor, applicationId: string, options: ConditionalWrite = {}) {
  const existing = await prisma.application.findFirst({ where: { id: applicationId, teamId }, select: { id: true, name: true } });
  if (!existing) throw NOT_FOUND();
  await writeIfUnchanged(options, () => prisma.application.delete({ where: { id: existing.id, teamId, ...unchangedSince(options) } }));
  await recordAuditEvent(teamId, actor, "application.deleted", { type: "application", id: existing.id }, { name: existing.name });
}
