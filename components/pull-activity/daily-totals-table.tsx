import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { formatBytes } from "@/lib/pull-activity/format";
import type { DailyPullTotals } from "@/lib/pull-activity/service";

/** A customer's pulls and bytes per day (UTC). */
export function DailyTotalsTable({ totals }: { totals: DailyPullTotals[] }) {
  return (
    <Table label="Pulls and bytes per day">
      <THead>
        <tr>
          <Th>Day (UTC)</Th>
          <Th className="text-right">Pulls</Th>
          <Th className="text-right">Bytes sent</Th>
          <Th className="hidden text-right sm:table-cell">Requests</Th>
          <Th className="hidden text-right sm:table-cell">Failed</Th>
        </tr>
      </THead>
      <TBody>
        {totals.map((day) => (
          <tr key={day.day}>
            <Td className="font-mono whitespace-nowrap">{day.day}</Td>
            <Td className="text-right tabular-nums">{day.pulls}</Td>
            <Td className="text-right whitespace-nowrap tabular-nums" title={`${day.bytes} bytes`}>
              {formatBytes(day.bytes)}
            </Td>
            <Td className="hidden text-right tabular-nums sm:table-cell">{day.requests}</Td>
            <Td className="hidden text-right tabular-nums sm:table-cell">{day.failed}</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
