import { RevokeInviteButton } from "@/components/teams/revoke-invite-button";
import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { TBody, THead, Table, Td, Th } from "@/components/ui/table";
import { ROLE_LABEL, type TeamRole } from "@/lib/teams/roles";

export interface PendingInviteRow {
  id: string;
  email: string;
  role: TeamRole;
  createdAt: Date;
  expiresAt: Date;
}

export function PendingInvitesTable({ invites }: { invites: PendingInviteRow[] }) {
  return (
    <Table label="Pending invites">
      <THead>
        <tr>
          <Th>Email</Th>
          <Th>Role</Th>
          <Th>Sent</Th>
          <Th>Expires</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </THead>
      <TBody>
        {invites.map((invite) => (
          <tr key={invite.id}>
            <Td className="font-medium">{invite.email}</Td>
            <Td>
              <Badge>{ROLE_LABEL[invite.role]}</Badge>
            </Td>
            <Td className="whitespace-nowrap text-zinc-600 dark:text-zinc-400">
              <LocalTime value={invite.createdAt.toISOString()} format="date" />
            </Td>
            <Td className="whitespace-nowrap text-zinc-600 dark:text-zinc-400">
              <LocalTime value={invite.expiresAt.toISOString()} />
            </Td>
            <Td className="text-right">
              <RevokeInviteButton inviteId={invite.id} email={invite.email} />
            </Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
