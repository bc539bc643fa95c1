import { RevokeApiTokenDialog } from "@/components/api-tokens/revoke-api-token-dialog";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { TBody, THead, Table, Td, Th } from "@/components/ui/table";
import type { ApiTokenStatus } from "@/lib/api-tokens/schema";
import { ROLE_LABEL, type TeamRole } from "@/lib/teams/roles";

export interface ApiTokenRow {
  id: string;
  name: string;
  role: TeamRole;
  displayPrefix: string;
  createdAt: Date;
  createdByEmail: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  status: ApiTokenStatus;
}

const STATUS: Record<ApiTokenStatus, { label: string; tone: BadgeTone }> = {
  active: { label: "Active", tone: "success" },
  expired: { label: "Expired", tone: "warning" },
  revoked: { label: "Revoked", tone: "neutral" },
};

function When({ value, empty }: { value: Date | null; empty: string }) {
  return value ? <LocalTime value={value.toISOString()} /> : <span className="text-zinc-500 dark:text-zinc-400">{empty}</span>;
}

export function ApiTokensTable({ tokens }: { tokens: ApiTokenRow[] }) {
  return (
    <Table label="API tokens">
      <THead>
        <tr>
          <Th>Name</Th>
          <Th>Role</Th>
          <Th>Status</Th>
          <Th>Created</Th>
          <Th>Expires</Th>
          <Th>Last used</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </THead>
      <TBody>
        {tokens.map((token) => (
          <tr key={token.id} data-token-name={token.name}>
            <Td>
              <div className="font-medium">{token.name}</div>
              <div className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{token.displayPrefix}…</div>
            </Td>
            <Td>{ROLE_LABEL[token.role]}</Td>
            <Td>
              <Badge tone={STATUS[token.status].tone}>{STATUS[token.status].label}</Badge>
            </Td>
            <Td className="whitespace-nowrap text-zinc-600 dark:text-zinc-400">
              <LocalTime value={token.createdAt.toISOString()} />
              <div className="text-xs">by {token.createdByEmail}</div>
            </Td>
            <Td className="whitespace-nowrap">
              <When value={token.expiresAt} empty="Never" />
            </Td>
            <Td className="whitespace-nowrap">
              <When value={token.lastUsedAt} empty="Never used" />
            </Td>
            <Td className="text-right">{token.status === "active" && <RevokeApiTokenDialog tokenId={token.id} name={token.name} />}</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
