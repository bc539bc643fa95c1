import "server-only";
import { getSession, type PortalSession } from "@/lib/auth/session";
import { FORBIDDEN, UserFacingError } from "@/lib/http/result";
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

export { parseInput } from "@/lib/http/result";
