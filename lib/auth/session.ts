import "server-only";
import { getServerSession } from "next-auth";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getAuthOptions } from "@/lib/auth/auth-options";
import { sessionVersionMatches } from "@/lib/auth/session-version";
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { annotateRequestContext } from "@/lib/http/request-context";
import type { TeamRole } from "@/lib/teams/roles";

export const CURRENT_TEAM_COOKIE = "portal-team";

/** The team-switcher cookie: Secure when the portal is served over https. */
export function teamCookieOptions() {
  return { httpOnly: true, sameSite: "lax", path: "/", secure: getEnv().APP_URL.startsWith("https://") } as const;
}

export interface PortalSession {
  user: { id: string; email: string; name: string };
  team: { id: string; publicId: string; name: string };
  role: TeamRole;
  memberships: { teamId: string; teamName: string; role: TeamRole }[];
}

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
}

// The signed-in user and their memberships, once per request: a valid
// next-auth cookie whose session version is still the user's.
const loadSignedIn = cache(async () => {
  // Read the cookies first: it marks every page that asks for the session as
  // dynamic, so the build never prerenders one (and never needs the secrets).
  const cookieStore = await cookies();
  const nextAuthSession = await getServerSession(getAuthOptions());
  const sessionUser = nextAuthSession?.user as { id?: string; sessionVersion?: unknown } | undefined;
  const userId = sessionUser?.id;
  if (!userId) return null;
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      sessionVersion: true,
      memberships: { select: { role: true, team: { select: { id: true, publicId: true, name: true } } }, orderBy: { createdAt: "asc" } },
    },
  });
  // Signed out (or removed from a team) since this cookie was issued.
  if (!user || !sessionVersionMatches(sessionUser.sessionVersion, user.sessionVersion)) return null;
  return { user, teamCookie: cookieStore.get(CURRENT_TEAM_COOKIE)?.value };
});

/**
 * Who is signed in, whether or not they belong to a team: only for the pages
 * and actions a user without a team needs (creating a team, accepting an
 * invite). Everything else asks getSession().
 */
export async function getSignedInUser(): Promise<SignedInUser | null> {
  const signedIn = await loadSignedIn();
  return signedIn ? { id: signedIn.user.id, email: signedIn.user.email, name: signedIn.user.name } : null;
}

/**
 * The only way server code learns who is asking on behalf of a team: the
 * signed-in user, their memberships, and the current team (the team-switcher
 * cookie when the user is a member of it, else their first team). Null when
 * nobody is signed in, or the user belongs to no team. Cached per request.
 */
export const getSession = cache(async (): Promise<PortalSession | null> => {
  const signedIn = await loadSignedIn();
  if (!signedIn || signedIn.user.memberships.length === 0) return null;
  const { user, teamCookie } = signedIn;
  const current = user.memberships.find((m) => m.team.id === teamCookie) ?? user.memberships[0]!;
  // Every later log line of this request names the user and team.
  annotateRequestContext({ userId: user.id, teamId: current.team.id });
  return {
    user: { id: user.id, email: user.email, name: user.name },
    team: current.team,
    role: current.role,
    memberships: user.memberships.map((m) => ({ teamId: m.team.id, teamName: m.team.name, role: m.role })),
  };
});

/** The session; else, signed in without a team, the page to create or join one; else sign-in. */
export async function requireSession(): Promise<PortalSession> {
  const session = await getSession();
  if (session) return session;
  redirect((await getSignedInUser()) ? "/welcome" : "/sign-in?expired=1");
}
