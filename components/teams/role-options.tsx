import { ROLE_LABEL, type TeamRole } from "@/lib/teams/roles";

export const TEAM_ROLES: readonly TeamRole[] = ["ADMIN", "MEMBER", "VIEWER"];

/** <option>s for the three roles, highest first. */
export function RoleOptions() {
  return TEAM_ROLES.map((role) => (
    <option key={role} value={role}>
      {ROLE_LABEL[role]}
    </option>
  ));
}

export const ROLE_HELP = "Viewers can look around; members can also create and change applications and registries; admins can also manage members and the identity provider.";
