import "server-only";
// Sessions are signed cookies (JWT) that the server cannot delete. Each one
// carries the user's session version from when it was issued; getSession()
// accepts it only while the user's version is unchanged, so bumping the
// version ends every session issued before, at once.
import { prisma } from "@/lib/db";

type UserClient = Pick<typeof prisma, "user">;

/** Ends every session of the user (sign-out, removal from a team). */
export async function endAllSessions(userId: string, client: UserClient = prisma): Promise<void> {
  await client.user.updateMany({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}

/** Whether a session issued at `issuedVersion` (absent in sessions from before versions existed: 0) is still valid. */
export function sessionVersionMatches(issuedVersion: unknown, currentVersion: number): boolean {
  return (typeof issuedVersion === "number" ? issuedVersion : 0) === currentVersion;
}

/** Whether a session of `userId` issued at `issuedVersion` is still valid: the user exists and has not signed out since. */
export async function isCurrentSession(userId: unknown, issuedVersion: unknown): Promise<boolean> {
  if (typeof userId !== "string" || userId.length === 0) return false;
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { sessionVersion: true } });
  return user !== null && sessionVersionMatches(issuedVersion, user.sessionVersion);
}
