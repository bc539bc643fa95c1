import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CustomerTable } from "@/components/customers/customer-table";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page-header";
import { getApplicationBySlug } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";
import { CUSTOMER_LIST_LIMIT, listCustomers } from "@/lib/customers/service";
import { roleAtLeast } from "@/lib/teams/roles";

export const metadata: Metadata = { title: "Customers" };

type Props = { params: Promise<{ appSlug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function CustomersPage({ params, searchParams }: Props) {
  const session = await requireSession();
  const application = await getApplicationBySlug(session.team.id, (await params).appSlug);
  if (!application) notFound();
  const rawSearch = (await searchParams).q;
  const search = (Array.isArray(rawSearch) ? rawSearch[0] : rawSearch)?.slice(0, 200) ?? "";
  const { customers, total } = await listCustomers(session.team.id, application.id, { search });
  const canEdit = roleAtLeast(session.role, "MEMBER");
  const addHref = `/apps/${application.slug}/customers/new`;
  const addButton = canEdit && (
    <ButtonLink href={addHref} variant="primary">
      Add customer
    </ButtonLink>
  );

  return (
    <>
      <PageHeader
        title="Customers"
        description={`Each customer gets a license to pull ${application.name}'s images through the portal's registry, without ever seeing your registry or an AWS credential.`}
        actions={addButton}
      />
      <div className="space-y-4">
        <form role="search" action="" className="flex max-w-lg gap-2">
          <label htmlFor="customer-search" className="sr-only">
            Search customers
          </label>
          <Input id="customer-search" name="q" type="search" defaultValue={search} placeholder="Name, email or license ID" compact />
          <Button type="submit" variant="secondary" size="sm" className="h-9">
            Search
          </Button>
        </form>
        {customers.length > 0 ? (
          <Card flush>
            <CustomerTable customers={customers} appSlug={application.slug} />
            {total > customers.length && (
              <p className="border-t border-zinc-200 px-4 py-3 text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
                Showing the newest {CUSTOMER_LIST_LIMIT} of {total}. Search to find the others.
              </p>
            )}
          </Card>
        ) : search ? (
          <EmptyState title="No matching customers" description={`Nothing matches “${search}”. Search by part of the name or email, or paste a whole license ID.`} />
        ) : (
          <EmptyState
            title="No customers yet"
            description={canEdit ? "Add a customer to get a license and the docker login command to send them." : "Members and admins of this team can add customers; they will appear here."}
            action={addButton}
          />
        )}
      </div>
    </>
  );
}
