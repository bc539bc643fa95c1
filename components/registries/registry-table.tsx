import Link from "next/link";
import { SortHeader } from "@/components/lists/sort-header";
import { RegistryRowTest } from "@/components/registries/registry-row-test";
import { RegistryStatus } from "@/components/registries/registry-status";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { AUTH_TYPE_LABEL, PROVIDER_LABEL, type RegistryProvider } from "@/lib/registries/schema";
import type { TRegistryListQuery } from "@/lib/registries/list-query";
import { describeAppAccess, type RegistryView } from "@/lib/registries/service";

export interface RegistryTableProps {
  registries: RegistryView[];
  appSlug: string;
  label: string;
  canTest: boolean;
  /** Sorting links; without them the headers do not sort. */
  sort?: { query: TRegistryListQuery; hrefFor: (sort: TRegistryListQuery["sort"], dir: "asc" | "desc") => string };
}

const providerLabel = (provider: string) => PROVIDER_LABEL[provider as RegistryProvider] ?? provider;

/**
 * Registries with provider and auth type, status (with when, sorted by the
 * last test) and app access, and a Test button per row: a table from 768 px,
 * cards below (a phone).
 */
export function RegistryTable({ registries, appSlug, label, canTest, sort }: RegistryTableProps) {
  const header = (column: TRegistryListQuery["sort"], text: string, className?: string) => {
    if (!sort) return <Th className={className}>{text}</Th>;
    const active = sort.query.sort === column;
    // A first click sorts names A→Z and times newest first; a click on the active column reverses it.
    const next = active ? (sort.query.dir === "asc" ? "desc" : "asc") : column === "lastTested" || column === "created" ? "desc" : "asc";
    return <SortHeader label={text} active={active} direction={sort.query.dir} href={sort.hrefFor(column, next)} className={className} />;
  };
  const hrefOf = (registry: RegistryView) => `/apps/${appSlug}/registries/${registry.id}`;
  return (
    <>
      <div className="hidden md:block">
        <Table label={label}>
          <THead>
            <tr>
              {header("name", "Registry")}
              <Th>Type</Th>
              {header("lastTested", "Status")}
              <Th>App access</Th>
              {canTest && (
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              )}
            </tr>
          </THead>
          <TBody>
            {registries.map((registry) => (
              <tr key={registry.id} data-registry-id={registry.id} className="align-top">
                <Td className="min-w-40">
                  <RegistryName registry={registry} href={hrefOf(registry)} />
                </Td>
                <Td>
                  <p>{providerLabel(registry.provider)}</p>
                  <p className="text-xs text-zinc-600 dark:text-zinc-400">{AUTH_TYPE_LABEL[registry.authType] ?? registry.authType}</p>
                </Td>
                <Td className="min-w-40">
                  <RegistryStatus registry={registry} />
                </Td>
                <Td className="min-w-28 text-zinc-600 dark:text-zinc-400">{describeAppAccess(registry)}</Td>
                {canTest && (
                  <Td>
                    <RegistryRowTest registryId={registry.id} label={registry.name ?? registry.hostname} href={hrefOf(registry)} />
                  </Td>
                )}
              </tr>
            ))}
          </TBody>
        </Table>
      </div>
      <ul aria-label={label} className="divide-y divide-zinc-200 md:hidden dark:divide-zinc-800" data-testid="registry-cards">
        {registries.map((registry) => (
          <li key={registry.id} data-registry-id={registry.id} className="space-y-2 px-4 py-3">
            <div className="min-w-0">
              <RegistryName registry={registry} href={hrefOf(registry)} />
            </div>
            <RegistryStatus registry={registry} />
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs text-zinc-600 dark:text-zinc-400">
              <dt className="font-medium">Provider</dt>
              <dd>{providerLabel(registry.provider)}</dd>
              <dt className="font-medium">Auth</dt>
              <dd>{AUTH_TYPE_LABEL[registry.authType] ?? registry.authType}</dd>
              <dt className="font-medium">App access</dt>
              <dd className="break-words">{describeAppAccess(registry)}</dd>
            </dl>
            {canTest && <RegistryRowTest registryId={registry.id} label={registry.name ?? registry.hostname} href={hrefOf(registry)} />}
          </li>
        ))}
      </ul>
    </>
  );
}

/** The registry's name linking to its page, and its hostname under a name (the row's and the card's heading). */
function RegistryName({ registry, href }: { registry: RegistryView; href: string }) {
  return (
    <>
      <Link href={href} className="font-medium break-all text-indigo-700 hover:underline dark:text-indigo-300">
        {registry.name ?? registry.hostname}
      </Link>
      {registry.name && <p className="font-mono text-xs break-all text-zinc-500 dark:text-zinc-400">{registry.hostname}</p>}
    </>
  );
}
