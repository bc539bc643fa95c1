import "server-only";
// Entitlements of customers and the channels of an application. Every query
// is scoped by teamId; a rule's registry must be one of the team's that
// serves the customer's application, and a channel one of that application.
// The proxy reads them through loadEntitlements, with the customer, at most
// 2 s old (lib/proxy/auth.ts), as it reads revocation.
import type { z } from "zod";
import { recordAuditEvent, type AuditActor } from "@/lib/audit/service";
import { prisma } from "@/lib/db";
import { nextVersion, unchangedSince, writeIfUnchanged, type ConditionalWrite } from "@/lib/db/conditional-write";
import type { EffectiveRule, Entitlements } from "@/lib/entitlements/match";
import { storedRules, type TImageRule, type ZCreateChannelInput, type ZUpdateChannelInput, type ZUpdateEntitlementsInput } from "@/lib/entitlements/schema";
import { Prisma } from "@/lib/generated/prisma/client";
import { NOT_FOUND, UserFacingError } from "@/lib/http/result";

export interface CustomerEntitlementsView {
  allImages: boolean;
  rules: TImageRule[];
  channelIds: string[];
}

export interface ChannelView {
  id: string;
  applicationId: string;
  name: string;
  rules: TImageRule[];
  customerCount: number;
  createdAt: Date;
  updatedAt: Date;
}

const CHANNEL_FIELDS = { id: true, applicationId: true, name: true, rules: true, createdAt: true, updatedAt: true, _count: { select: { customers: true } } } as const satisfies Prisma.ChannelSelect;

function toChannelView(row: Prisma.ChannelGetPayload<{ select: typeof CHANNEL_FIELDS }>): ChannelView {
  const { _count, rules, ...rest } = row;
  return { ...rest, rules: storedRules(rules), customerCount: _count.customers };
}

/** What the proxy needs of a customer row to know its entitlements. */
export const ENTITLEMENT_FIELDS = { allImages: true, imageRules: true, channels: { select: { channel: { select: { name: true, rules: true } } } } } as const satisfies Prisma.CustomerSelect;
type EntitlementRow = Prisma.CustomerGetPayload<{ select: typeof ENTITLEMENT_FIELDS }>;

/** The customer's rules and its channels' rules, each with its registry's hostname; rules of a registry since removed are dropped. */
export async function loadEntitlements(teamId: string, row: EntitlementRow): Promise<Entitlements> {
  if (row.allImages) return { allImages: true, rules: [] };
  const rules = [
    ...storedRules(row.imageRules).map((rule) => ({ ...rule, channel: null })),
    ...row.channels.flatMap(({ channel }) => storedRules(channel.rules).map((rule) => ({ ...rule, channel: channel.name }))),
  ];
  const ids = [...new Set(rules.map((rule) => rule.registryId))];
  const registries = ids.length === 0 ? [] : await prisma.registry.findMany({ where: { teamId, id: { in: ids } }, select: { id: true, hostname: true } });
  const hostnames = new Map(registries.map((registry) => [registry.id, registry.hostname]));
  const effective: EffectiveRule[] = rules.flatMap((rule) => {
    const registryHostname = hostnames.get(rule.registryId);
    return registryHostname ? [{ ...rule, registryHostname }] : [];
  });
  return { allImages: false, rules: effective };
}

export async function getCustomerEntitlements(teamId: string, customerId: string): Promise<CustomerEntitlementsView | null> {
  return (await getVersionedCustomerEntitlements(teamId, customerId))?.entitlements ?? null;
}

/** The entitlements with the customer's version, read together (the REST API's ETag and If-Match); every change of them moves the version on. */
export async function getVersionedCustomerEntitlements(teamId: string, customerId: string): Promise<{ entitlements: CustomerEntitlementsView; updatedAt: Date } | null> {
  const row = await prisma.customer.findFirst({
    where: { id: customerId, teamId },
    select: { updatedAt: true, allImages: true, imageRules: true, channels: { select: { channelId: true }, orderBy: { channelId: "asc" } } },
  });
  if (!row) return null;
  return { entitlements: { allImages: row.allImages, rules: storedRules(row.imageRules), channelIds: row.channels.map((channel) => channel.channelId) }, updatedAt: row.updatedAt };
}

/** Every rule's registry must be the team's and serve the application; the error names the rule. */
async function assertRuleRegistries(teamId: string, applicationId: string, rules: TImageRule[], field: string): Promise<void> {
  const ids = [...new Set(rules.map((rule) => rule.registryId))];
  if (ids.length === 0) return;
  const serving = await prisma.registry.findMany({
    where: { teamId, id: { in: ids }, OR: [{ allApplications: true }, { applications: { some: { applicationId } } }] },
    select: { id: true },
  });
  const known = new Set(serving.map((registry) => registry.id));
  const bad = rules.findIndex((rule) => !known.has(rule.registryId));
  if (bad >= 0) {
    throw new UserFacingError("invalid_input", "A rule names a registry that does not serve this application.", {
      [`${field}.${bad}.registryId`]: "Choose one of the application's registries (Registries tab).",
    });
  }
}

export async function updateCustomerEntitlements(teamId: string, actor: AuditActor, input: z.output<typeof ZUpdateEntitlementsInput>, options: ConditionalWrite = {}): Promise<CustomerEntitlementsView> {
  const customer = await prisma.customer.findFirst({ where: { id: input.customerId, teamId }, select: { id: true, name: true, applicationId: true } });
  if (!customer) throw NOT_FOUND();
  await assertRuleRegistries(teamId, customer.applicationId, input.rules, "rules");
  const channelIds = [...new Set(input.channelIds)];
  const channels = channelIds.length === 0 ? [] : await prisma.channel.findMany({ where: { teamId, applicationId: customer.applicationId, id: { in: channelIds } }, select: { id: true, name: true } });
  if (channels.length !== channelIds.length) throw new UserFacingError("invalid_input", "A channel was not found in this application.", { channelIds: "Choose channels of this application (Channels section of the Customers tab)." });
  await writeIfUnchanged(options, () => prisma.$transaction(async (tx) => {
    await tx.customer.update({ where: { id: customer.id, teamId, ...unchangedSince(options) }, data: { allImages: input.allImages, imageRules: input.rules as Prisma.InputJsonValue, ...nextVersion(options) }, select: { id: true } });
    await tx.customerChannel.deleteMany({ where: { customerId: customer.id } });
    if (channelIds.length > 0) await tx.customerChannel.createMany({ data: channelIds.map((channelId) => ({ customerId: customer.id, channelId })) });
    await recordAuditEvent(
      teamId,
      actor,
      "customer.entitlements_updated",
      { type: "customer", id: customer.id },
      { customer: customer.name, allImages: input.allImages, rules: input.rules.length, channels: channels.map((channel) => channel.name).sort() },
      tx,
    );
  }));
  return (await getCustomerEntitlements(teamId, customer.id))!;
}

export async function listChannels(teamId: string, applicationId: string): Promise<ChannelView[]> {
  const rows = await prisma.channel.findMany({ where: { teamId, applicationId }, orderBy: { name: "asc" }, select: CHANNEL_FIELDS });
  return rows.map(toChannelView);
}

export async function getChannel(teamId: string, channelId: string): Promise<ChannelView | null> {
  const row = await prisma.channel.findFirst({ where: { id: channelId, teamId }, select: CHANNEL_FIELDS });
  return row ? toChannelView(row) : null;
}

function nameTaken(name: string): UserFacingError {
  return new UserFacingError("name_taken", `This application already has a channel named "${name}".`, { name: "Choose another name." });
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export async function createChannel(teamId: string, actor: AuditActor, input: z.output<typeof ZCreateChannelInput>): Promise<ChannelView> {
  const application = await prisma.application.findFirst({ where: { id: input.applicationId, teamId }, select: { id: true } });
  if (!application) throw NOT_FOUND();
  await assertRuleRegistries(teamId, application.id, input.rules, "rules");
  try {
    return await prisma.$transaction(async (tx) => {
      const row = await tx.channel.create({ data: { teamId, applicationId: application.id, name: input.name, rules: input.rules as Prisma.InputJsonValue }, select: CHANNEL_FIELDS });
      await recordAuditEvent(teamId, actor, "channel.created", { type: "channel", id: row.id }, { name: row.name, applicationId: application.id, rules: input.rules.length }, tx);
      return toChannelView(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

export async function updateChannel(teamId: string, actor: AuditActor, input: z.output<typeof ZUpdateChannelInput>, options: ConditionalWrite = {}): Promise<ChannelView> {
  const existing = await prisma.channel.findFirst({ where: { id: input.channelId, teamId }, select: { id: true, applicationId: true, name: true } });
  if (!existing) throw NOT_FOUND();
  await assertRuleRegistries(teamId, existing.applicationId, input.rules, "rules");
  try {
    return await writeIfUnchanged(options, () => prisma.$transaction(async (tx) => {
      const row = await tx.channel.update({ where: { id: existing.id, teamId, ...unchangedSince(options) }, data: { name: input.name, rules: input.rules as Prisma.InputJsonValue, ...nextVersion(options) }, select: CHANNEL_FIELDS });
      await recordAuditEvent(teamId, actor, "channel.updated", { type: "channel", id: row.id }, { name: row.name, previousName: existing.name === row.name ? null : existing.name, rules: input.rules.length }, tx);
      return toChannelView(row);
    }));
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

/** Customers on the channel lose what it allowed (their own rules stay). */
export async function deleteChannel(teamId: string, actor: AuditActor, channelId: string, options: ConditionalWrite = {}): Promise<void> {
  const existing = await prisma.channel.findFirst({ where: { id: channelId, teamId }, select: { id: true, name: true, applicationId: true } });
  if (!existing) throw NOT_FOUND();
  await writeIfUnchanged(options, () => prisma.$transaction(async (tx) => {
    await tx.channel.delete({ where: { id: existing.id, teamId, ...unchangedSince(options) } });
    await recordAuditEvent(teamId, actor, "channel.deleted", { type: "channel", id: existing.id }, { name: existing.name, applicationId: existing.applicationId }, tx);
  }));
}
