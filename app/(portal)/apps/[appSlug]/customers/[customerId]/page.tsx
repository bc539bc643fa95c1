import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { EditCustomerForm } from "@/components/customers/customer-form";
import { RegenerateLicenseDialog, RestoreCustomerDialog, RevokeCustomerDialog } from "@/components/customers/customer-actions";
import { CustomerStateBadge } from "@/components/customers/customer-state-badge";
import { PullInstructions } from "@/components/customers/pull-instructions";
import { CustomerImages } from "@/components/customers/customer-images";
import { EntitlementsForm } from "@/components/entitlements/entitlements-form";
import { AirGapDownloadForm } from "@/components/customer-portal/airgap-download-form";
import { listEntitledImages } from "@/lib/customer-portal/service";
import { DailyTotalsTable } from "@/components/pull-activity/daily-totals-table";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { getApplicationBySlug } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";
import { dockerLoginFromFileCommand, dockerLoginPromptCommand, imagePullSecretYaml, pullSecretName } from "@/lib/customers/pull-instructions";
import { dateFromExpiry } from "@/lib/customers/schema";
import { getCustomer, getCustomerLicense } from "@/lib/customers/service";
import { customerPageUrl, isCustomerPageEnabled } from "@/lib/customer-portal/settings";
import { ruleRegistryOptions } from "@/lib/entitlements/registry-options";
import { getCustomerEntitlements, listChannels } from "@/lib/entitlements/service";
import { proxyHost } from "@/lib/proxy/proxy-reference";
import { formatBytes } from "@/lib/pull-activity/format";
import { customerDailyTotals, recentRepositories } from "@/lib/pull-activity/service";
import { listRegistries, registryServesApplication } from "@/lib/registries/service";
import { roleAtLeast } from "@/lib/teams/roles";

type Props = { params: Promise<{ appSlug: string; customerId: string }> };

const LICENSE_PLACEHOLDER = "<license ID>";

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const session = await requireSession();
  const customer = await getCustomer(session.team.id, (await params).customerId);
  return { title: customer?.name ?? "Customer" };
}

export default async function CustomerPage({ params }: Props) {
  const session = await requireSession();
  const { appSlug, customerId } = await params;
  // Both scoped to the session's team; a customer of another application is a 404 here too.
  const [application, customer] = await Promise.all([getApplicationBySlug(session.team.id, appSlug), getCustomer(session.team.id, customerId)]);
  if (!application || !customer || customer.applicationId !== application.id) notFound();
  const canEdit = roleAtLeast(session.role, "MEMBER");
  const host = proxyHost();
  const [licenseId, totals, registries, repositories, entitlements, channels, ruleRegistries, customerPageEnabled] = await Promise.all([
    canEdit ? getCustomerLicense(session.team.id, customer.id) : null,
    customerDailyTotals(session.team.id, customer.id),
    listRegistries(session.team.id),
    recentRepositories(session.team.id, application.id),
    getCustomerEntitlements(session.team.id, customer.id),
    listChannels(session.team.id, application.id),
    ruleRegistryOptions(session.team.id, application.id),
    isCustomerPageEnabled(session.team.id, application.id),
  ]);
  if (!entitlements) notFound();
  const credentials = { proxyHost: host, username: licenseId ?? LICENSE_PLACEHOLDER, password: licenseId ?? LICENSE_PLACEHOLDER };
  const secretName = pullSecretName(application.slug);
  const servingHosts = registries.filter((registry) => registryServesApplication(registry, application.id)).map((registry) => registry.hostname);
  const totalPulls = totals.reduce((sum, day) => sum + day.pulls, 0);
  const totalBytes = totals.reduce((sum, day) => sum + day.bytes, 0);

  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            <span className="break-words">{customer.name}</span>
            <CustomerStateBadge state={customer.state} />
          </span>
        }
        description={customer.email ?? undefined}
      />
      <div className="space-y-6">
        {customer.state === "revoked" && (
          <Alert tone="warning" title="This license is revoked">
            {customer.name} cannot sign in to the registry or pull images. Restore the license below to allow it again.
          </Alert>
        )}
        {customer.state === "expired" && (
          <Alert tone="warning" title="This license has expired">
            Pulls are refused since <LocalTime value={customer.expiresAt!.toISOString()} />. Change the expiry below to allow them again.
          </Alert>
        )}

        <Card title="What to give the customer" description={`Everything ${customer.name} needs to pull ${application.name}'s images.`}>
          <PullInstructions
            proxyHost={host}
            licenseId={licenseId}
            dockerLogin={dockerLoginPromptCommand(host, customer.email ?? credentials.username)}
            dockerLoginFromFile={dockerLoginFromFileCommand(host, customer.email)}
            pullSecretYaml={imagePullSecretYaml(credentials, secretName)}
            pullSecretName={secretName}
          />
          <p className="mt-6 text-sm text-zinc-600 dark:text-zinc-400">
            {customerPageEnabled ? (
              <>
                {customer.name} can also sign in at <span className="font-mono">{customerPageUrl()}</span> with the license ID to see its images, pulls and air-gap downloads.
              </>
            ) : (
              "The customer page is switched off for this application (Customers tab)."
            )}
          </p>
        </Card>

        <Card title="Images this customer may pull" description="The proxy checks every manifest, tag list and layer request against this, and applies a change within 2 seconds.">
          <EntitlementsForm
            key={customer.updatedAt.toISOString()}
            customerId={customer.id}
            entitlements={entitlements}
            registries={ruleRegistries}
            channels={channels.map((channel) => ({ id: channel.id, name: channel.name }))}
            canEdit={canEdit}
          />
        </Card>

        <Card title="Image names" description="Customers pull your images under the portal's host. Rewrite each image name like this.">
          <CustomerImages proxyHost={host} appSlug={application.slug} servingHosts={servingHosts} repositories={repositories} />
        </Card>

        {canEdit && (
          // Streams in after the rest of the page: it asks the vendor's registry for tags and digests.
          <Suspense fallback={<Card title="Air-gap download" description="Reading the images this customer may pull…" />}>
            <VendorAirGapCard teamId={session.team.id} customerId={customer.id} name={customer.name} />
          </Suspense>
        )}

        <Card
          title="Pull activity, last 30 days"
          description={
            <>
              {totalPulls} pulls, {formatBytes(totalBytes)} sent.{" "}
              <Link href={`/apps/${application.slug}/pull-activity?customer=${customer.id}`} className="text-indigo-700 underline dark:text-indigo-300">
                See every request
              </Link>
            </>
          }
          flush={totals.length > 0}
        >
          {totals.length > 0 ? <DailyTotalsTable totals={totals} /> : <EmptyState title="No pulls yet" description="Requests with this license appear here within a few seconds." className="border-0" />}
        </Card>

        <Card title="Details">
          <dl className="grid gap-4 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-zinc-500 dark:text-zinc-400">License expires</dt>
              <dd className="mt-1">{customer.expiresAt ? <LocalTime value={customer.expiresAt.toISOString()} /> : "Never"}</dd>
            </div>
            <div>
              <dt className="text-zinc-500 dark:text-zinc-400">Added</dt>
              <dd className="mt-1">
                <LocalTime value={customer.createdAt.toISOString()} />
              </dd>
            </div>
            <div>
              <dt className="text-zinc-500 dark:text-zinc-400">{customer.revokedAt ? "Revoked" : "Last changed"}</dt>
              <dd className="mt-1">
                <LocalTime value={(customer.revokedAt ?? customer.updatedAt).toISOString()} />
              </dd>
            </div>
          </dl>
        </Card>

        {canEdit && (
          <>
            <Card title="Edit customer">
              <EditCustomerForm key={customer.updatedAt.toISOString()} customer={{ id: customer.id, name: customer.name, email: customer.email, expiresOn: dateFromExpiry(customer.expiresAt) }} />
            </Card>
            <Card title="License" description="Regenerate if the license may have leaked; revoke to stop this customer's pulls.">
              <div className="flex flex-wrap gap-3">
                <RegenerateLicenseDialog customerId={customer.id} name={customer.name} />
                {customer.revokedAt ? <RestoreCustomerDialog customerId={customer.id} name={customer.name} /> : <RevokeCustomerDialog customerId={customer.id} name={customer.name} />}
              </div>
            </Card>
          </>
        )}
      </div>
    </>
  );
}

/** An air-gap archive of what this customer may pull, for the vendor to hand over (the customer's own page offers the same). */
async function VendorAirGapCard({ teamId, customerId, name }: { teamId: string; customerId: string; name: string }) {
  const images = await listEntitledImages(teamId, customerId);
  const choices = images.flatMap((image) => image.tags.filter((tag) => tag.digest).map((tag) => ({ value: `${image.name}:${tag.tag}@${tag.digest}`, label: `${image.name}:${tag.tag}` })));
  return (
    <Card title="Air-gap download" description={`An OCI image layout as a tar of images ${name} may pull, for a site without access to the registry. The link works for 24 hours.`}>
      {choices.length > 0 ? <AirGapDownloadForm choices={choices} customerId={customerId} /> : <p className="text-sm text-zinc-600 dark:text-zinc-400">No image to download yet: none of the images this customer may pull has been named or pulled.</p>}
    </Card>
  );
}
