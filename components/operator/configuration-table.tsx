import { Table, TBody, Td, Th, THead } from "@/components/ui/table";

/** The start-up configuration summary (lib/config/describe-configuration.ts): names and non-secret values. */
export function ConfigurationTable({ configuration }: { configuration: Record<string, unknown> }) {
  return (
    <Table label="Configuration">
      <THead>
        <tr>
          <Th>Setting</Th>
          <Th>Value</Th>
        </tr>
      </THead>
      <TBody>
        {Object.entries(configuration).map(([name, value]) => (
          <tr key={name}>
            <Td className="font-mono text-xs">{name}</Td>
            <Td className="font-mono text-xs break-all">{String(value)}</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
