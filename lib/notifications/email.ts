import "server-only";
// Email notifications: with SMTP_URL and MAIL_FROM set, each event becomes a
// mail to every member who wants its type (preferences.ts), batched per
// member and batch key (a registry's repeated failures join one mail an
// hour; license expiries one digest a day). Sent by the worker with
// nodemailer; a mail that fails is retried with back-off.
import nodemailer, { type Transporter } from "nodemailer";
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { renderEmail } from "@/lib/notifications/email-content";
import { EVENT_TYPE_INFO, isNotificationEventType } from "@/lib/notifications/event-types";
import { emailByDefault } from "@/lib/notifications/preferences";
import { backoffDelayMs } from "@/lib/notifications/retry-policy";

export const EMAIL_LEASE_MS = 120_000;
const EMAIL_BATCH = 20;
const MAX_EMAIL_ATTEMPTS = 8;

let transport: { key: string; transporter: Transporter } | undefined;

/** Whether email is configured (SMTP_URL and MAIL_FROM); the UI says so when it is not. */
export function mailerConfigured(): boolean {
  const env = getEnv();
  return Boolean(env.SMTP_URL && env.MAIL_FROM);
}

function getTransporter(): Transporter {
  const url = getEnv().SMTP_URL!;
  // Bounded waits: a hung SMTP server must not hold the worker (or an invite) for minutes.
  if (transport?.key !== url) transport = { key: url, transporter: nodemailer.createTransport(url, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 }) };
  return transport.transporter;
}

/** Sends one mail now (invitations). Throws when the server refuses it. */
export async function sendMail(message: { to: string; subject: string; text: string; html: string; headers?: Record<string, string> }): Promise<void> {
  await getTransporter().sendMail({ from: getEnv().MAIL_FROM, ...message });
}

/** Which mails an event joins: one key per registry, customer or digest. */
export function batchKeyOf(event: { id: string; type: string; payload: Prisma.JsonValue }): string {
  const data = (event.payload ?? {}) as { registry?: { id?: string }; customer?: { id?: string } };
  if (event.type.startsWith("registry.")) return `registry:${data.registry?.id ?? "?"}`;
  if (event.type === "customer.license_expiring" || event.type === "customer.license_expired") return "license-digest";
  if (event.type === "customer.pulls_denied") return `pulls-denied:${data.customer?.id ?? "?"}`;
  if (event.type === "api_token.expiring") return "api-token-digest";
  return `event:${event.id}`;
}

/** Part of dispatch (same transaction): adds the event to each recipient's pending mail for its batch key, or starts one. */
export async function planEmails(tx: Prisma.TransactionClient, event: { id: string; teamId: string; type: string; payload: Prisma.JsonValue }, now: Date): Promise<void> {
  if (!mailerConfigured() || !isNotificationEventType(event.type) || !EVENT_TYPE_INFO[event.type].emailable) return;
  const type = event.type;
  const [members, preferences] = await Promise.all([
    tx.membership.findMany({ where: { teamId: event.teamId }, select: { role: true, user: { select: { id: true, email: true } } } }),
    tx.notificationPreference.findMany({ where: { teamId: event.teamId, eventType: type }, select: { userId: true, email: true } }),
  ]);
  const chosen = new Map(preferences.map((row) => [row.userId, row.email]));
  const recipients = members.filter((member) => chosen.get(member.user.id) ?? emailByDefault(type, member.role));
  const batchKey = batchKeyOf(event);
  const windowMs = EVENT_TYPE_INFO[type].batchWindowMs;
  for (const { user } of recipients) {
    // One planner at a time per member and key, so two processes do not start two mails.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`email:${event.teamId}:${user.id}:${batchKey}`}))`;
    const open = await tx.emailMessage.findFirst({ where: { teamId: event.teamId, userId: user.id, batchKey, status: "pending", claimedAt: null }, select: { id: true } });
    if (open) {
      await tx.emailMessage.update({ where: { id: open.id }, data: { eventIds: { push: event.id } } });
      continue;
    }
    const last = await tx.emailMessage.findFirst({ where: { teamId: event.teamId, userId: user.id, batchKey }, orderBy: { createdAt: "desc" }, select: { sendAfter: true, sentAt: true } });
    const lastAt = last?.sentAt ?? last?.sendAfter;
    const sendAfter = lastAt && windowMs > 0 && lastAt.getTime() + windowMs > now.getTime() ? new Date(lastAt.getTime() + windowMs) : now;
    await tx.emailMessage.create({ data: { teamId: event.teamId, userId: user.id, toAddress: user.email, batchKey, eventIds: [event.id], sendAfter, createdAt: now } });
  }
}

interface ClaimedEmail {
  id: string;
  teamId: string;
  toAddress: string;
  eventIds: string[];
  attemptCount: number;
}

/** Sends the mails due now. Returns how many it claimed. */
export async function sendDueEmails(clock: { now(): Date }): Promise<number> {
  if (!mailerConfigured()) return 0;
  const now = clock.now();
  const leaseExpired = new Date(now.getTime() - EMAIL_LEASE_MS);
  const claimed = await prisma.$queryRaw<ClaimedEmail[]>`
    WITH picked AS (
      SELECT id FROM "EmailMessage"
      WHERE status = 'pending' AND "sendAfter" <= ${now} AND ("claimedAt" IS NULL OR "claimedAt" < ${leaseExpired})
      ORDER BY "sendAfter" LIMIT ${EMAIL_BATCH} FOR UPDATE SKIP LOCKED
    )
    UPDATE "EmailMessage" m SET "claimedAt" = ${now} FROM picked WHERE m.id = picked.id
    RETURNING m.id, m."teamId", m."toAddress", m."eventIds", m."attemptCount"`;
  for (const email of claimed) await sendOne(email, now, clock);
  return claimed.length;
}

async function sendOne(email: ClaimedEmail, claimedAt: Date, clock: { now(): Date }): Promise<void> {
  const mine = { id: email.id, claimedAt };
  const [team, events] = await Promise.all([
    prisma.team.findUnique({ where: { id: email.teamId }, select: { name: true } }),
    prisma.notificationEvent.findMany({ where: { teamId: email.teamId, id: { in: email.eventIds } }, orderBy: { createdAt: "asc" }, select: { type: true, createdAt: true, payload: true } }),
  ]);
  if (!team || events.length === 0) {
    await prisma.emailMessage.updateMany({ where: mine, data: { status: "failed", lastError: "nothing to send", claimedAt: null } });
    return;
  }
  const appUrl = getEnv().APP_URL;
  const preferencesUrl = `${appUrl}/team/notifications`;
  const content = renderEmail(team.name, events, { appUrl, preferencesUrl });
  try {
    await sendMail({ to: email.toAddress, ...content, headers: { "List-Unsubscribe": `<${preferencesUrl}>` } });
    await prisma.emailMessage.updateMany({ where: mine, data: { status: "sent", sentAt: clock.now(), attemptCount: email.attemptCount + 1, claimedAt: null, lastError: null } });
  } catch (error) {
    const attempts = email.attemptCount + 1;
    const message = error instanceof Error ? error.message.slice(0, 300) : "send failed";
    log.warn({ emailId: email.id, teamId: email.teamId, attempts, reason: message }, "notification email not sent");
    await prisma.emailMessage.updateMany({
      where: mine,
      data: attempts >= MAX_EMAIL_ATTEMPTS ? { status: "failed", attemptCount: attempts, claimedAt: null, lastError: message } : { attemptCount: attempts, claimedAt: null, lastError: message, sendAfter: new Date(clock.now().getTime() + backoffDelayMs(attempts)) },
    });
  }
}
