import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { IssuerWarnings } from "@/components/oidc/issuer-warnings";
import { OidcValues } from "@/components/oidc/oidc-values";
import { DeleteRegistryDialog } from "@/components/registries/delete-registry-dialog";
import { RegistryDetails } from "@/components/registries/registry-details";
import { EditRegistryForm } from "@/components/registries/registry-form";
import { ProviderSetupGuide } from "@/components/registries/provider-fields/provider-setup-guide";
import { RegistrySetupGuide } from "@/components/registries/registry-setup-guide";
import { RegistryStatus } from "@/components/registries/registry-status";
import { ScheduledCheck } from "@/components/registries/scheduled-check";
import { nextScheduledRetest } from "@/lib/registries/retest-scheduler";
import { RegistryTestPanel } from "@/components/registries/registry-test-panel";
import { ProxyReferenceConverter } from "@/components/proxy/proxy-reference-converter";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Tabs } from "@/components/ui/tabs";
import { getApplicationBySlug, listApplications } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { proxyHost } from "@/lib/proxy/proxy-reference";
import { editableRegistry } from "@/lib/registries/editable-registry";
import { getRegistryOidcSetup } from "@/lib/registries/oidc-setup";
import { PROVIDERS } from "@/lib/registries/providers";
import { registryClearedForPulls } from "@/lib/registries/pull-readiness";
import { getRegistry, registryLabel, registryServesApplication, registryStaleAfterMs } from "@/lib/registries/service";
import { buildRegistrySetupGuide } from "@/lib/registries/setup-guide";
import { setupProgress } from "@/lib/registries/setup-progress";
import { getLastTestResult } from "@/lib/registry-test/service";
import { roleAtLeast } from "@/lib/teams/roles";

type Props = { params: Promise<{ appSlug: string; registryId: string }>; searchParams: Promise<{ tab?: string | string[] }> };

const TABS = ["overview", "setup", "settings"] as const;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const session = await requireSession();
  const registry = await getRegistry(session.team.id, (await params).registryId);
  return { title: registry ? registryLabel(registry) : "Registry" };
}

/**
 * The registry page: its status and the Test on top (always in view), then
 * three tabs: Overview (details, how customers pull), Setup (what to apply in
 * AWS; collapsed once verified) and Settings (edit, app access, delete).
 */
export default async function RegistryPage({ params, searchParams }: Props) {
  const session = await requireSession();
  const [{ appSlug, registryId }, { tab }] = await Promise.all([params, searchParams]);
  // Both scoped to the session's team: another team's registry is a plain 404.
  const [application, registry] = await Promise.all([getApplicationBySlug(session.team.id, appSlug), getRegistry(session.team.id, registryId)]);
  if (!application || !registry) notFound();
  const canEdit = roleAtLeast(session.role, "MEMBER");
  const [{ provider, oidc, local }, applications] = await Promise.all([getRegistryOidcSetup(session.team.publicId), canEdit ? listApplications(session.team.id) : []]);
  const label = registryLabel(registry);
  const [lastTestResult, roleCleared] = await Promise.all([getLastTestResult(session.team.id, registry.id), registryClearedForPulls(session.team.id, registry)]);
  const guide = registry.authType === "iam_role" ? buildRegistrySetupGuide({ hostname: registry.hostname, roleArn: registry.roleArn ?? "", oidc, scope: "registry" }) : null;
  const setupSteps = guide?.ok ? guide.steps.map((step, index) => ({ id: step.id, label: `Step ${index + 1}: ${step.title}` })) : [];
  const initialTab = typeof tab === "string" && (TABS as readonly string[]).includes(tab) ? tab : "overview";
  const basePath = `/apps/${application.slug}/registries/${registry.id}`;
  const oidcPanel = (
    <div className="space-y-3">
      <IssuerWarnings warnings={provider.warnings} local={local !== null} />
      <OidcValues provider={provider} subject={session.team.publicId} />
    </div>
  );
  const setupGuide = (
    <div className="space-y-6">
      {registry.authType === "iam_role" && (
        <Card title="AWS OIDC Configuration" description="The portal's identity provider, as added in IAM → Identity providers (setup step 1).">
          {oidcPanel}
        </Card>
      )}
      {registry.provider === "ecr" ? (
        <Card title={registry.authType === "iam_role" ? "Set up AWS" : "Permissions in AWS"}>
          <RegistrySetupGuide authType={registry.authType} hostname={registry.hostname} roleArn={registry.roleArn ?? ""} oidc={oidc} />
        </Card>
      ) : (
        <Card title={`Set up ${PROVIDERS[registry.provider].label}`}>
          <ProviderSetupGuide
            providerId={registry.provider}
            hostname={registry.hostname}
            flavor={registry.flavor ?? undefined}
            authType={registry.authType}
            keyless={{
              issuerUrl: oidc.issuerUrl,
              subject: oidc.subject,
              localEndpoints: oidc.keylessLocalEndpoints ?? {},
              settings: {
                username: registry.username ?? undefined,
                tenantId: registry.tenantId ?? undefined,
                clientId: registry.clientId ?? undefined,
                projectNumber: registry.projectNumber ?? undefined,
                poolId: registry.poolId ?? undefined,
                providerId: registry.providerId ?? undefined,
                serviceAccount: registry.serviceAccount ?? undefined,
                acrPermissionsMode: registry.acrPermissionsMode ?? undefined,
                abacRepositories: registry.abacRepositories ?? undefined,
              },
            }}
          />
        </Card>
      )}
    </div>
  );

  const overview = (
    <div className="space-y-6">
      <Card title="Details">
        <RegistryDetails registry={registry} />
      </Card>
      <Card
        id="how-customers-pull"
        title="How customers pull"
        description={
          <>
            Customers of {application.name} pull this registry&apos;s images through the portal, signed in with their license. Paste an image reference to get the name they pull.
          </>
        }
      >
        <div className="space-y-3">
          {roleCleared === false && (
            <Alert tone="warning" title="Customers cannot pull from this registry yet">
              {registry.authType === "federated"
                ? "Run Test until it shows that the keyless federation refuses other teams' tokens: the portal only uses a federation pinned to your team's subject."
                : "Run Test until it shows that the role refuses other teams' tokens: the portal only uses an IAM role that cannot be assumed on behalf of another team."}
            </Alert>
          )}
          {!registryServesApplication(registry, application.id) && (
            <Alert tone="warning">This registry is not shared with {application.name}: its customers&apos; pulls are refused until App access includes it.</Alert>
          )}
          <ProxyReferenceConverter proxyHost={proxyHost()} appSlug={application.slug} expectedHostname={registry.hostname} placeholder={`${registry.hostname}/vendor/app:1.0`} />
        </div>
      </Card>
    </div>
  );

  const progress = setupProgress(registry.authType, lastTestResult);
  const progressHeader = (
    <ol aria-label="Setup progress" className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm" data-testid="setup-progress">
      {progress.map((step, index) => (
        <li key={step.label} data-done={step.done} className={step.done ? "text-emerald-700 dark:text-emerald-400" : "text-zinc-700 dark:text-zinc-300"}>
          <span aria-hidden="true">{step.done ? "✓" : `${index + 1}`}</span> {step.label}
          <span className="sr-only">{step.done ? " (done)" : " (to do)"}</span>
        </li>
      ))}
    </ol>
  );
  const setup =
    registry.testStatus === "verified" ? (
      // Done once verified: still one click away, for a second role or a review.
      <details className="group rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900" data-testid="setup-collapsed">
        <summary className="cursor-pointer px-4 py-3 text-sm font-medium sm:px-5">
          Setup is complete: the last Test passed. Show the setup again
        </summary>
        <div className="border-t border-zinc-200 p-4 sm:p-5 dark:border-zinc-800">{setupGuide}</div>
      </details>
    ) : (
      <div className="space-y-4">
        <Card>{progressHeader}</Card>
        {setupGuide}
      </div>
    );

  const settings = canEdit ? (
    <div className="space-y-6">
      <Card title="Edit registry">
        <EditRegistryForm
          // Remounted after each save, so the form starts again from what is stored.
          key={registry.updatedAt.toISOString()}
          appSlug={application.slug}
          applications={applications.map(({ id, name }) => ({ id, name }))}
          allowAmbient={getEnv().ALLOW_AMBIENT_AWS_CREDENTIALS}
          oidc={oidc}
          oidcPanel={oidcPanel}
          setupGuideHref={`${basePath}?tab=setup`}
          registry={editableRegistry(registry)}
        />
      </Card>
      <Card title="Delete registry" description="Applications stop pulling through the portal from this registry." className="border-red-200 dark:border-red-900/60">
        <DeleteRegistryDialog registryId={registry.id} label={label} appSlug={application.slug} />
      </Card>
    </div>
  ) : (
    <Alert tone="info" title="Viewers cannot change registries">
      Ask a member or admin of {session.team.name} to edit or delete this registry.
    </Alert>
  );

  return (
    <>
      <PageHeader
        title={<span className="break-all">{label}</span>}
        description={registry.name ? <span className="font-mono break-all">{registry.hostname}</span> : undefined}
        actions={<RegistryStatus registry={registry} withError={false} />}
      />
      <div className="space-y-6">
        <Card
          title="Status and Test"
          description={registry.provider === "ecr" ? "Performs the real AWS calls the portal will make, and says which setup step to fix when one fails." : `Logs in to ${PROVIDERS[registry.provider].label} as the portal will, and says what to fix when a step fails.`}
        >
          {(registry.status.kind === "stale" || registry.status.kind === "changed") && (
            <div className="mb-4">
              <Alert tone="warning" title={registry.status.label}>
                {registry.status.explanation}
              </Alert>
            </div>
          )}
          <ScheduledCheck lastResult={lastTestResult} next={nextScheduledRetest(registry, { intervalMs: registryStaleAfterMs(), enabled: getEnv().REGISTRY_RETEST_ENABLED })} />
          <RegistryTestPanel registryId={registry.id} canTest={canEdit} lastResult={lastTestResult} setupSteps={setupSteps} />
        </Card>
        {registry.status.kind === "verified" && canEdit && (
          <Card title="Next" description="The portal can pull from this registry. Give a customer a license, and the proxied name of an image to pull.">
            <div className="flex flex-wrap gap-3" data-testid="registry-next">
              <ButtonLink href={`/apps/${application.slug}/customers/new`} variant="primary">
                Add a customer
              </ButtonLink>
              <ButtonLink href={`${basePath}?tab=overview#how-customers-pull`} variant="secondary">
                Copy a proxied image name
              </ButtonLink>
            </div>
          </Card>
        )}
        <Tabs
          label="Registry sections"
          initialTab={initialTab}
          tabs={[
            { id: "overview", label: "Overview", content: overview },
            { id: "setup", label: "Setup", content: setup },
            { id: "settings", label: "Settings", content: settings },
          ]}
        />
      </div>
    </>
  );
}
