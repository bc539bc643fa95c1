import Link from "next/link";
import { RegistryStatus } from "@/components/registries/registry-status";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { AUTH_TYPE_LABEL, PROVIDER_LABEL } from "@/lib/registries/schema";
import { describeAppAccess, type RegistryView } from "@/lib/registries/service";

/** Registries with their provider, auth type, last test status and app access. */
export function RegistryTable({ registries, appSlug, label }: { registries: RegistryView[]; appSlug: string; label: string }) {
  return (
    <Table label={label}>
      <THead>
        <tr>
          <Th>Registry</Th>
          {/* On a phone: registry and status only; the rest is on the registry's page. */}
          <Th className="hidden md:table-cell">Provider</Th>
          <Th className="hidden sm:table-cell">Auth type</Th>
          <Th>Status</Th>
          <Th className="hidden lg:table-cell">App access</Th>
        </tr>
      </THead>
      <TBody>
        {registries.map((registry) => (
          <tr key={registry.id}>
            <Td className="max-w-xs min-w-40">
              <Link href={`/apps/${appSlug}/registries/${registry.id}`} className="font-medium break-all text-indigo-700 hover:underline dark:text-indigo-300">
                {registry.name ?? registry.hostname}
              </Link>
              {registry.name && <p className="font-mono text-xs break-all text-zinc-500 dark:text-zinc-400">{registry.hostname}</p>}
            </Td>
            <Td className="hidden whitespace-nowrap md:table-cell">{PROVIDER_LABEL[registry.provider] ?? registry.provider}</Td>
            <Td className="hidden whitespace-nowrap sm:table-cell">{AUTH_TYPE_LABEL[registry.authType] ?? registry.authType}</Td>
            <Td>
              <RegistryStatus registry={registry} />
            </Td>
            <Td className="hidden text-zinc-600 lg:table-cell dark:text-zinc-400">{describeAppAccess(registry)}</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
