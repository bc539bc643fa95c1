import { Badge, type BadgeTone } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { SigningKeyRow } from "@/lib/oidc/overview";

const STATE: Record<SigningKeyRow["state"], { tone: BadgeTone; label: string }> = {
  next: { tone: "info", label: "Next" },
  current: { tone: "success", label: "Current" },
  retired: { tone: "neutral", label: "Retired" },
  removed: { tone: "neutral", label: "Removed" },
};

export function SigningKeysTable({ keys }: { keys: SigningKeyRow[] }) {
  return (
    <Table label="Signing keys">
      <THead>
        <tr>
          <Th>Key ID (kid)</Th>
          <Th>State</Th>
          <Th>Created</Th>
          <Th>Signs from</Th>
          <Th>Signs until</Th>
          <Th>Published until</Th>
        </tr>
      </THead>
      <TBody>
        {keys.map((key) => (
          <tr key={key.kid}>
            <Td>
              <code className="break-all font-mono text-xs">{key.kid}</code>
              <span className="ml-2 text-xs text-zinc-600 dark:text-zinc-400">{key.algorithm}</span>
            </Td>
            <Td>
              <Badge tone={STATE[key.state].tone}>{STATE[key.state].label}</Badge>
            </Td>
            <Td>
              <LocalTime value={key.createdAt} />
            </Td>
            <Td>
              <LocalTime value={key.signsFrom} />
            </Td>
            <Td>{key.signsUntil ? <LocalTime value={key.signsUntil} /> : "until the next rotation"}</Td>
            <Td>{key.publishedUntil ? <LocalTime value={key.publishedUntil} /> : "while signing"}</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
