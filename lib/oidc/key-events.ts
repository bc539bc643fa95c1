import "server-only";
// The operator-level history of the issuer's signing keys: every key created,
// promoted, retired, removed or emergency-replaced, with its kid and why.
// Written in the transaction that makes the change; logged once it commits.
import { prisma } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";

export type KeyEventAction = "created" | "promoted" | "retired" | "removed" | "emergency_replaced";

export interface KeyEventInput {
  kid: string;
  action: KeyEventAction;
  reason: string;
  details?: Record<string, string | null>;
}

export interface KeyEvent extends Required<KeyEventInput> {
  id: string;
  createdAt: Date;
}

type KeyEventClient = Pick<Prisma.TransactionClient, "oidcKeyEvent">;

/** The events of one change, a millisecond apart so that the history lists them in order. */
export async function recordKeyEvents(client: KeyEventClient, events: readonly KeyEventInput[], at: Date): Promise<void> {
  if (events.length === 0) return;
  await client.oidcKeyEvent.createMany({ data: events.map((event, index) => ({ kid: event.kid, action: event.action, reason: event.reason, details: event.details ?? {}, createdAt: new Date(at.getTime() + index) })) });
}

/** After the transaction commits: one log line per event (never key material). */
export function logKeyEvents(events: readonly KeyEventInput[]): void {
  for (const event of events) {
    log.info({ kid: event.kid, action: event.action, reason: event.reason, ...event.details }, `oidc signing key ${event.action.replace("_", " ")}`);
  }
}

export async function listKeyEvents(take = 50): Promise<KeyEvent[]> {
  const rows = await prisma.oidcKeyEvent.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take });
  return rows.map((row) => ({ ...row, action: row.action as KeyEventAction, details: (row.details ?? {}) as Record<string, string | null> }));
}
