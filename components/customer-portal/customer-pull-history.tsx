import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { CustomerPull } from "@/lib/customer-portal/service";
import { formatBytes } from "@/lib/pull-activity/format";

const ACTION_LABEL: Record<string, string> = { token: "Login", manifest: "Image", blob: "Layer", tags: "Tag list", catalog: "Catalog", airgap: "Air-gap download", airgap_blob: "Air-gap layer" };

/** The license's own requests, newest first. */
export function CustomerPullHistory({ host, pulls }: { host: string; pulls: CustomerPull[] }) {
  if (pulls.length === 0) return <EmptyState className="border-0" title="No pulls in the last 30 days" description="Your logins, pulls and downloads appear here within a few seconds." />;
  return (
    <Table label="Your pulls, last 30 days">
      <THead>
        <tr>
          <Th>Time</Th>
          <Th>What</Th>
          <Th>Image</Th>
          <Th>Status</Th>
          <Th className="text-right">Size</Th>
        </tr>
      </THead>
      <TBody>
        {pulls.map((pull) => (
          <tr key={pull.id} data-testid="customer-pull">
            <Td className="whitespace-nowrap">
              <LocalTime value={pull.at.toISOString()} />
            </Td>
            <Td>{ACTION_LABEL[pull.action] ?? pull.action}</Td>
            <Td className="font-mono text-xs break-all">{pull.repository ? `${host}/${pull.repository}${pull.reference ? (pull.reference.includes(":") ? `@${pull.reference.slice(0, 19)}…` : `:${pull.reference}`) : ""}` : "—"}</Td>
            <Td className={pull.status >= 400 ? "text-red-700 dark:text-red-400" : undefined}>{pull.status}</Td>
            <Td className="text-right whitespace-nowrap">{formatBytes(pull.bytes)}</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
