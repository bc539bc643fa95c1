import type { TeamRole } from "@/lib/generated/prisma/enums";

export type { TeamRole };

const RANK: Record<TeamRole, number> = { VIEWER: 0, MEMBER: 1, ADMIN: 2 };

export function roleAtLeast(role: TeamRole, minimum: TeamRole): boolean {
  return RANK[role] >= RANK[minimum];
}

export const ROLE_LABEL: Record<TeamRole, string> = { ADMIN: "Admin", MEMBER: "Member", VIEWER: "Viewer" };
