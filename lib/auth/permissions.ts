import "server-only";
import type { z } from "zod";
import { getSession, type PortalSession } from "@/lib/auth/session";
import { FORBIDDEN, UserFacingError, fieldErrorsOf } from "@/lib/http/result";
import { roleAtLeast, type TeamRole } from "@/lib/teams/roles";

/** The session for a server action; an expired session is an error the form shows. */
export async function requireActionSession(minimum: TeamRole, what: string): Promise<PortalSession> {
  const session = await getSession();
  if (!session) throw new UserFacingError("session_expired", "Your session has expired. Sign in again to continue.");
  if (!roleAtLeast(session.role, minimum)) throw FORBIDDEN(what);
  return session;
}

export function actorOf(session: PortalSession) {
  return { userId: session.user.id, email: session.user.email };
}

/** Re-checks a client-sent input against the same schema the form used. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new UserFacingError("invalid_input", "Some fields need attention.", fieldErrorsOf(parsed.error));
  return parsed.data;
}
