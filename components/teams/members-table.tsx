import { MemberRoleSelect } from "@/components/teams/member-role-select";
import { RemoveMemberDialog } from "@/components/teams/remove-member-dialog";
import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { TBody, THead, Table, Td, Th } from "@/components/ui/table";
import { ROLE_LABEL, type TeamRole } from "@/lib/teams/roles";

export interface MemberRow {
  id: string;
  role: TeamRole;
  createdAt: Date;
  user: { id: string; email: string; name: string };
}

export interface MembersTableProps {
  members: MemberRow[];
  /** Admins get a role select and a Remove button on each row. */
  canManage: boolean;
  currentUserId: string;
  teamName: string;
}

export function MembersTable({ members, canManage, currentUserId, teamName }: MembersTableProps) {
  return (
    <Table label="Team members">
      <THead>
        <tr>
          <Th>Name</Th>
          <Th>Email</Th>
          <Th>Role</Th>
          <Th>Joined</Th>
          {canManage && (
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          )}
        </tr>
      </THead>
      <TBody>
        {members.map((member) => {
          const isYou = member.user.id === currentUserId;
          return (
            <tr key={member.id}>
              <Td className="font-medium whitespace-nowrap">
                {member.user.name}
                {isYou && <span className="ml-2 text-xs font-normal text-zinc-500 dark:text-zinc-400">(you)</span>}
              </Td>
              <Td className="text-zinc-600 dark:text-zinc-400">{member.user.email}</Td>
              <Td>
                {canManage ? (
                  <MemberRoleSelect membershipId={member.id} email={member.user.email} role={member.role} />
                ) : (
                  <Badge tone={member.role === "ADMIN" ? "info" : "neutral"}>{ROLE_LABEL[member.role]}</Badge>
                )}
              </Td>
              <Td className="whitespace-nowrap text-zinc-600 dark:text-zinc-400">
                <LocalTime value={member.createdAt.toISOString()} format="date" />
              </Td>
              {canManage && (
                <Td className="text-right">
                  {/* Leaving a team is not removing someone: no Remove on your own row. */}
                  {!isYou && <RemoveMemberDialog membershipId={member.id} name={member.user.name} email={member.user.email} teamName={teamName} />}
                </Td>
              )}
            </tr>
          );
        })}
      </TBody>
    </Table>
  );
}
