import { CustomerSignInForm, CustomerSignOutButton } from "@/components/customer-portal/sign-in-form";
import { AirGapDownloadForm } from "@/components/customer-portal/airgap-download-form";
import { CustomerImagesTable } from "@/components/customer-portal/customer-images-table";
import { CustomerPullHistory } from "@/components/customer-portal/customer-pull-history";
import { CenteredShell } from "@/components/layout/centered-shell";
import { PolicyBlock } from "@/components/registries/policy-block";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { CustomerStateBadge } from "@/components/customers/customer-state-badge";
import { customerPullHistory, listEntitledImages } from "@/lib/customer-portal/service";
import { getCustomerPortalSession } from "@/lib/customer-portal/session";
import { getCustomerLicense } from "@/lib/customers/service";
import { dockerLoginFromFileCommand, dockerLoginPromptCommand, imagePullSecretYaml, pullSecretName } from "@/lib/customers/pull-instructions";
import { proxyHost } from "@/lib/proxy/proxy-reference";

export const dynamic = "force-dynamic";

export default async function CustomerPage() {
  const session = await getCustomerPortalSession();
  if (!session) {
    return (
      <CenteredShell>
        <h1 className="mb-2 text-xl font-semibold">Your images</h1>
        <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400">Sign in with the license ID your vendor gave you to see your images, login command and downloads.</p>
        <CustomerSignInForm />
      </CenteredShell>
    );
  }
  const { customer, application, vendor } = session;
  const host = proxyHost();
  const [licenseId, images, pulls] = await Promise.all([getCustomerLicense(customer.teamId, customer.id), listEntitledImages(customer.teamId, customer.id), customerPullHistory(customer.teamId, customer.id)]);
  const username = customer.email ?? licenseId;
  const secretName = pullSecretName(application.slug);
  const choices = images.flatMap((image) => image.tags.filter((tag) => tag.digest).map((tag) => ({ value: `${image.name}:${tag.tag}@${tag.digest}`, label: `${image.name}:${tag.tag}` })));

  return (
    <main className="space-y-6">
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{vendor.name}</p>
          <h1 className="flex flex-wrap items-center gap-3 text-2xl font-semibold">
            <span>{application.name}</span>
            <CustomerStateBadge state={customer.state} />
          </h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Licensed to {customer.name}. {customer.expiresAt ? <>Expires <LocalTime value={customer.expiresAt.toISOString()} />.</> : "Does not expire."}
          </p>
        </div>
        <CustomerSignOutButton />
      </header>

      {customer.state === "expired" && (
        <Alert tone="warning" title="Your license has expired">
          Pulls are refused. Ask {vendor.name} to renew it.
        </Alert>
      )}

      <Card title="Log in to the registry" description={`Run once on each machine that pulls from ${host}.`}>
        <div className="space-y-6">
          <PolicyBlock
            title="Login command"
            description="Docker asks for the password: paste your license ID. Nothing secret goes into your shell history."
            text={dockerLoginPromptCommand(host, username)}
          />
          <PolicyBlock title="Login from a file" description="For scripts: keep the license ID in license.txt (readable only by you); it is read from standard input." text={dockerLoginFromFileCommand(host, customer.email)} />
          <PolicyBlock
            title="Kubernetes image pull secret"
            description={
              <>
                Apply with <code className="font-mono">kubectl apply -n &lt;namespace&gt; -f secret.yaml</code>, then reference it as{" "}
                <code className="font-mono">imagePullSecrets: [{`{ name: ${secretName} }`}]</code>. It holds your license: treat it as a secret.
              </>
            }
            text={imagePullSecretYaml({ proxyHost: host, username: licenseId, password: licenseId }, secretName)}
          />
        </div>
      </Card>

      <Card title="Images you may pull" description="As the registry answers your license now: the newest tags first, with their digests." flush={images.length > 0}>
        <CustomerImagesTable host={host} images={images} />
      </Card>

      <Card title="Air-gap downloads" description="For machines without access to the registry: an OCI image layout as a tar file, made on the fly from the images you choose.">
        {choices.length > 0 ? <AirGapDownloadForm choices={choices} /> : <p className="text-sm text-zinc-600 dark:text-zinc-400">No image to download yet.</p>}
      </Card>

      <Card title="Your pulls, last 30 days" flush={pulls.length > 0}>
        <CustomerPullHistory host={host} pulls={pulls} />
      </Card>
    </main>
  );
}
