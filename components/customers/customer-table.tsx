import Link from "next/link";
import { CustomerStateBadge } from "@/components/customers/customer-state-badge";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { CustomerView } from "@/lib/customers/service";

export function CustomerTable({ customers, appSlug }: { customers: CustomerView[]; appSlug: string }) {
  return (
    <Table label="Customers">
      <THead>
        <tr>
          <Th>Customer</Th>
          <Th>State</Th>
          <Th className="hidden sm:table-cell">Expires</Th>
          <Th className="hidden md:table-cell">Added</Th>
        </tr>
      </THead>
      <TBody>
        {customers.map((customer) => (
          <tr key={customer.id}>
            <Td className="max-w-xs min-w-40">
              <Link href={`/apps/${appSlug}/customers/${customer.id}`} className="font-medium break-words text-indigo-700 hover:underline dark:text-indigo-300">
                {customer.name}
              </Link>
              {customer.email && <p className="text-xs break-all text-zinc-500 dark:text-zinc-400">{customer.email}</p>}
            </Td>
            <Td>
              <CustomerStateBadge state={customer.state} />
            </Td>
            <Td className="hidden whitespace-nowrap sm:table-cell">{customer.expiresAt ? <LocalTime value={customer.expiresAt.toISOString()} /> : "Never"}</Td>
            <Td className="hidden whitespace-nowrap md:table-cell">
              <LocalTime value={customer.createdAt.toISOString()} format="date" />
            </Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
