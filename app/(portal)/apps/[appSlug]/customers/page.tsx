import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CustomerPageSwitch } from "@/components/customer-portal/customer-page-switch";
import { CustomerTable } from "@/components/customers/customer-table";
import { ListFilters } from "@/components/lists/list-filters";
import { Pager } from "@/components/lists/pager";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getApplicationBySlug } from "@/lib/applications/service";
import { customerPageUrl, isCustomerPageEnabled } from "@/lib/customer-portal/settings";
import { requireSession } from "@/lib/auth/session";
import { CUSTOMER_LIST_DEFAULTS, ZCustomerListQuery, type TCustomerListQuery } from "@/lib/customers/list-query";
import { searchCustomers } from "@/lib/customers/service";
import { firstValues, listHref, type RawSearchParams } from "@/lib/lists/search-params";
import { roleAtLeast } from "@/lib/teams/roles";

export const metadata: Metadata = { title: "Customers" };

type Props = { params: Promise<{ appSlug: string }>; searchParams: Promise<RawSearchParams> };

export default async function CustomersPage({ params, searchParams }: Props) {
  const session = await requireSession();
  const application = await getApplicationBySlug(session.team.id, (await params).appSlug);
  if (!application) notFound();
  const query = ZCustomerListQuery.parse(firstValues(await searchParams));
  const [{ items, page }, customerPageEnabled] = await Promise.all([searchCustomers(session.team.id, application.id, query), isCustomerPageEnabled(session.team.id, application.id)]);
  const canEdit = roleAtLeast(session.role, "MEMBER");
  const path = `/apps/${application.slug}/customers`;
  const href = (changes: Partial<TCustomerListQuery>) => listHref(path, query, CUSTOMER_LIST_DEFAULTS, changes);
  const filtered = query.q !== "" || query.state !== "";
  const clear = href({ q: "", state: "" });
  const addButton = canEdit && (
    <ButtonLink href={`${path}/new`} variant="primary">
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
        <ListFilters
          label="Filter customers"
          search={{ label: "Search customers", value: query.q, placeholder: "Name, email or license ID" }}
          selects={[
            {
              name: "state",
              label: "License",
              value: query.state,
              options: [
                { value: "", label: "Any state" },
                { value: "active", label: "Active" },
                { value: "expired", label: "Expired" },
                { value: "revoked", label: "Revoked" },
              ],
            },
            { name: "sort", label: "Sort by", phoneOnly: true, value: query.sort, options: [{ value: "created", label: "Date added" }, { value: "name", label: "Name" }, { value: "expires", label: "Expiry" }] },
            { name: "dir", label: "Order", phoneOnly: true, value: query.dir, options: [{ value: "desc", label: "Descending (newest, Z→A)" }, { value: "asc", label: "Ascending (oldest, A→Z)" }] },
          ]}
          clearHref={filtered ? clear : undefined}
          hidden={page.total < 10 && !filtered}
        />
        {items.length > 0 ? (
          <Card flush>
            <CustomerTable customers={items} appSlug={application.slug} sort={{ query, hrefFor: (sort, dir) => href({ sort, dir }) }} />
            <Pager info={page} noun="customers" hrefFor={(number) => href({ page: number })} />
          </Card>
        ) : filtered ? (
          <EmptyState
            title="No matching customers"
            description={query.q ? `Nothing matches “${query.q}” with these filters. Search by part of the name or email, or paste a whole license ID.` : "No customer matches these filters."}
            action={<ButtonLink href={clear}>Clear filters</ButtonLink>}
          />
        ) : (
          <EmptyState
            title="No customers yet"
            description={canEdit ? "Add a customer to get a license and the docker login command to send them." : "Members and admins of this team can add customers; they will appear here."}
            action={addButton}
          />
        )}
        <Card title="Customer page" description="Where each customer signs in with its license to see its images, login command, pulls and air-gap downloads.">
          <CustomerPageSwitch applicationId={application.id} enabled={customerPageEnabled} pageUrl={customerPageUrl()} canEdit={canEdit} />
        </Card>
      </div>
    </>
  );
}
