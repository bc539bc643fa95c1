import Link from "next/link";
import { CustomerStateBadge } from "@/components/customers/customer-state-badge";
import { SortHeader } from "@/components/lists/sort-header";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { TCustomerListQuery } from "@/lib/customers/list-query";
import type { CustomerView } from "@/lib/customers/service";

export interface CustomerTableProps {
  customers: CustomerView[];
  appSlug: string;
  sort?: { query: TCustomerListQuery; hrefFor: (sort: TCustomerListQuery["sort"], dir: "asc" | "desc") => string };
}

/** Customers with license state, expiry and when added: a table from 768 px, cards below. */
export function CustomerTable({ customers, appSlug, sort }: CustomerTableProps) {
  const header = (column: TCustomerListQuery["sort"], text: string) => {
    if (!sort) return <Th>{text}</Th>;
    const active = sort.query.sort === column;
    const next = active ? (sort.query.dir === "asc" ? "desc" : "asc") : column === "name" ? "asc" : "desc";
    return <SortHeader label={text} active={active} direction={sort.query.dir} href={sort.hrefFor(column, next)} />;
  };
  const hrefOf = (customer: CustomerView) => `/apps/${appSlug}/customers/${customer.id}`;
  return (
    <>
      <div className="hidden md:block">
        <Table label="Customers">
          <THead>
            <tr>
              {header("name", "Customer")}
              <Th>State</Th>
              {header("expires", "Expires")}
              {header("created", "Added")}
            </tr>
          </THead>
          <TBody>
            {customers.map((customer) => (
              <tr key={customer.id}>
                <Td className="min-w-48">
                  <Link href={hrefOf(customer)} className="font-medium break-words text-indigo-700 hover:underline dark:text-indigo-300">
                    {customer.name}
                  </Link>
                  {customer.email && <p className="text-xs break-all text-zinc-500 dark:text-zinc-400">{customer.email}</p>}
                </Td>
                <Td>
                  <CustomerStateBadge state={customer.state} />
                </Td>
                <Td className="whitespace-nowrap">{customer.expiresAt ? <LocalTime value={customer.expiresAt.toISOString()} /> : "Never"}</Td>
                <Td className="whitespace-nowrap">
                  <LocalTime value={customer.createdAt.toISOString()} format="date" />
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      </div>
      <ul aria-label="Customers" className="divide-y divide-zinc-200 md:hidden dark:divide-zinc-800" data-testid="customer-cards">
        {customers.map((customer) => (
          <li key={customer.id} className="space-y-1 px-4 py-3 text-sm">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <Link href={hrefOf(customer)} className="font-medium break-words text-indigo-700 hover:underline dark:text-indigo-300">
                {customer.name}
              </Link>
              <CustomerStateBadge state={customer.state} />
            </div>
            {customer.email && <p className="text-xs break-all text-zinc-600 dark:text-zinc-400">{customer.email}</p>}
            <p className="text-xs text-zinc-600 dark:text-zinc-400">
              Expires {customer.expiresAt ? <LocalTime value={customer.expiresAt.toISOString()} /> : "never"} · added <LocalTime value={customer.createdAt.toISOString()} format="date" />
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
