import { SortHeader } from "@/components/lists/sort-header";
import { MemberRoleSelect } from "@/components/teams/member-role-select";
import { RemoveMemberDialog } from "@/components/teams/remove-member-dialog";
import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { TBody, THead, Table, Td, Th } from "@/components/ui/table";
import type { TMemberListQuery } from "@/lib/teams/list-query";
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
  sort?: { query: TMemberListQuery; hrefFor: (sort: TMemberListQuery["sort"], dir: "asc" | "desc") => string };
}

/** The team's members: a table from 768 px, cards below (with the same admin controls). */
export function MembersTable({ members, canManage, currentUserId, teamName, sort }: MembersTableProps) {
  const header = (column: TMemberListQuery["sort"], text: string) => {
    if (!sort) return <Th>{text}</Th>;
    const active = sort.query.sort === column;
    const next = active ? (sort.query.dir === "asc" ? "desc" : "asc") : "asc";
    return <SortHeader label={text} active={active} direction={sort.query.dir} href={sort.hrefFor(column, next)} />;
  };
  const role = (member: MemberRow) =>
    canManage ? <MemberRoleSelect membershipId={member.id} email={member.user.email} role={member.role} /> : <Badge tone={member.role === "ADMIN" ? "info" : "neutral"}>{ROLE_LABEL[member.role]}</Badge>;
  // Leaving a team is not removing someone: no Remove on your own row.
  const remove = (member: MemberRow) => canManage && member.user.id !== currentUserId && <RemoveMemberDialog membershipId={member.id} name={member.user.name} email={member.user.email} teamName={teamName} />;
  const you = (member: MemberRow) => member.user.id === currentUserId && <span className="ml-2 text-xs font-normal text-zinc-500 dark:text-zinc-400">(you)</span>;
  return (
    <>
      <div className="hidden md:block">
        <Table label="Team members">
          <THead>
            <tr>
              {header("name", "Name")}
              {header("email", "Email")}
              <Th>Role</Th>
              {header("joined", "Joined")}
              {canManage && (
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              )}
            </tr>
          </THead>
          <TBody>
            {members.map((member) => (
              <tr key={member.id}>
                <Td className="font-medium break-words">
                  {member.user.name}
                  {you(member)}
                </Td>
                <Td className="break-all text-zinc-600 dark:text-zinc-400">{member.user.email}</Td>
                <Td>{role(member)}</Td>
                <Td className="whitespace-nowrap text-zinc-600 dark:text-zinc-400">
                  <LocalTime value={member.createdAt.toISOString()} format="date" />
                </Td>
                {canManage && <Td className="text-right">{remove(member)}</Td>}
              </tr>
            ))}
          </TBody>
        </Table>
      </div>
      <ul aria-label="Team members" className="divide-y divide-zinc-200 md:hidden dark:divide-zinc-800" data-testid="member-cards">
        {members.map((member) => (
          <li key={member.id} className="space-y-2 px-4 py-3 text-sm">
            <div>
              <p className="font-medium break-words text-zinc-900 dark:text-zinc-100">
                {member.user.name}
                {you(member)}
              </p>
              <p className="text-xs break-all text-zinc-600 dark:text-zinc-400">{member.user.email}</p>
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                Joined <LocalTime value={member.createdAt.toISOString()} format="date" />
              </p>
            </div>
            <div className="flex flex-wrap items-center gap-3">
              {role(member)}
              {remove(member)}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
