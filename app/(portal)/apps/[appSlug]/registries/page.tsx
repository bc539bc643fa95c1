import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ListFilters } from "@/components/lists/list-filters";
import { Pager } from "@/components/lists/pager";
import { RegistryTable } from "@/components/registries/registry-table";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getApplicationBySlug } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";
import { firstValues, listHref, type RawSearchParams } from "@/lib/lists/search-params";
import { REGISTRY_LIST_DEFAULTS, ZRegistryListQuery, type TRegistryListQuery } from "@/lib/registries/list-query";
import { AUTH_TYPE_LABEL, PROVIDER_LABEL, REGISTRY_AUTH_TYPES, REGISTRY_PROVIDERS } from "@/lib/registries/schema";
import { countRegistriesNotShared, searchRegistries } from "@/lib/registries/service";
import { REGISTRY_STATUS_KINDS, REGISTRY_STATUS_LABEL } from "@/lib/registries/status";
import { roleAtLeast } from "@/lib/teams/roles";

export const metadata: Metadata = { title: "Image Registries" };

type Props = { params: Promise<{ appSlug: string }>; searchParams: Promise<RawSearchParams> };

export default async function RegistriesPage({ params, searchParams }: Props) {
  const session = await requireSession();
  const application = await getApplicationBySlug(session.team.id, (await params).appSlug);
  if (!application) notFound();
  const query = ZRegistryListQuery.parse(firstValues(await searchParams));
  const [{ items, page }, notShared] = await Promise.all([
    searchRegistries(session.team.id, query, { applicationId: application.id }),
    query.scope === "app" ? countRegistriesNotShared(session.team.id, application.id) : 0,
  ]);
  const canEdit = roleAtLeast(session.role, "MEMBER");
  const path = `/apps/${application.slug}/registries`;
  const addHref = `${path}/new`;
  const href = (changes: Partial<TRegistryListQuery>) => listHref(path, query, REGISTRY_LIST_DEFAULTS, changes);
  const filtered = query.q !== "" || query.status !== "" || query.auth !== "" || query.provider !== "";
  const addButton = canEdit && (
    <ButtonLink href={addHref} variant="primary">
      Add external registry
    </ButtonLink>
  );

  return (
    <>
      <PageHeader
        title="Image Registries"
        description={`The private registries ${application.name}'s images are pulled from. Registries belong to the team; each one's App access says which applications may use it.`}
        actions={addButton}
      />
      <div className="space-y-4">
        <ListFilters
          label="Filter registries"
          search={{ label: "Search", value: query.q, placeholder: "Name or hostname" }}
          selects={[
            { name: "status", label: "Status", value: query.status, options: [{ value: "", label: "Any status" }, ...REGISTRY_STATUS_KINDS.map((kind) => ({ value: kind, label: REGISTRY_STATUS_LABEL[kind] }))] },
            { name: "auth", label: "Auth type", value: query.auth, options: [{ value: "", label: "Any auth type" }, ...REGISTRY_AUTH_TYPES.map((type) => ({ value: type, label: AUTH_TYPE_LABEL[type] }))] },
            { name: "provider", label: "Provider", value: query.provider, options: [{ value: "", label: "Any provider" }, ...REGISTRY_PROVIDERS.map((provider) => ({ value: provider, label: PROVIDER_LABEL[provider] }))] },
            { name: "scope", label: "Registries", value: query.scope, options: [{ value: "app", label: `Usable by ${application.name}` }, { value: "all", label: "All of the team" }] },
            // Also the only sort control of the phone's cards.
            { name: "sort", label: "Sort by", phoneOnly: true, value: query.sort, options: [{ value: "name", label: "Name" }, { value: "hostname", label: "Hostname" }, { value: "lastTested", label: "Last test" }, { value: "created", label: "Date added" }] },
            { name: "dir", label: "Order", phoneOnly: true, value: query.dir, options: [{ value: "asc", label: "Ascending (A→Z, oldest first)" }, { value: "desc", label: "Descending (Z→A, newest first)" }] },
          ]}
          clearHref={filtered ? href({ q: "", status: "", auth: "", provider: "" }) : undefined}
          hidden={page.total < 10 && !filtered}
        />
        {items.length > 0 ? (
          <Card flush>
            <RegistryTable
              registries={items}
              appSlug={application.slug}
              label={query.scope === "app" ? `Registries ${application.name} can use` : "Registries of the team"}
              canTest={canEdit}
              sort={{ query, hrefFor: (sort, dir) => href({ sort, dir }) }}
            />
            <Pager info={page} noun="registries" hrefFor={(number) => href({ page: number })} />
          </Card>
        ) : filtered ? (
          <EmptyState title="No matching registries" description="Nothing matches these filters. Change or clear them to see the others." action={<ButtonLink href={href({ q: "", status: "", auth: "", provider: "" })}>Clear filters</ButtonLink>} />
        ) : (
          <EmptyState
            title="No registries yet"
            description={canEdit ? "Add the Amazon ECR registry your images live in, with an access key or IAM authentication." : "Members and admins of this team can add one; it will appear here."}
            action={addButton}
          />
        )}
        {notShared > 0 && (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            {notShared === 1 ? "1 other registry of the team is" : `${notShared} other registries of the team are`} not shared with {application.name}.{" "}
            <Link href={href({ scope: "all" })} className="text-indigo-700 hover:underline dark:text-indigo-300">
              Show all of the team&apos;s registries
            </Link>
          </p>
        )}
      </div>
    </>
  );
}
