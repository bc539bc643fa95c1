"use client";
// The keyless Google setup, shown at once (before anything exists in Google)
// and filled in as the vendor types: the gcloud commands that paste, the same
// as Terraform JSON, and the uploaded-JWKS variant for a portal Google cannot
// reach. Rendered by the form and by the registry page from the same pure
// builder the tests apply to the Google stand-in.
import { PolicyBlock } from "@/components/registries/policy-block";
import { CopyButton } from "@/components/ui/copy-button";
import { buildGoogleSetup, type GoogleFederationSettings } from "@/lib/gcp/workload-identity";

export function GoogleFederationSetup({
  issuerUrl,
  subject,
  hostname,
  settings,
  image,
  issuerPrivate,
}: {
  issuerUrl: string;
  subject: string;
  hostname: string;
  settings: Partial<GoogleFederationSettings>;
  image?: string;
  /** The issuer is on a private or loopback address: Google cannot fetch its keys. */
  issuerPrivate?: boolean;
}) {
  const setup = buildGoogleSetup({ issuerUrl, subject, hostname, settings, image });
  return (
    <div className="space-y-4 text-sm" data-testid="google-federation-setup">
      <p className="text-zinc-700 dark:text-zinc-300">
        Google trusts the portal&apos;s identity; no key is created or stored. Run these in Cloud Shell (or any shell with gcloud). Your team&apos;s subject is{" "}
        <code className="font-mono">{subject}</code>; the token&apos;s audience is <code className="font-mono break-all">{setup.values.audience}</code>.
      </p>
      <ol className="space-y-4">
        {setup.commands.map((step, index) => (
          <li key={step.id} className="space-y-1.5" data-step={step.id}>
            <p className="font-medium">
              {index + 1}. {step.title}
            </p>
            <p className="text-zinc-700 dark:text-zinc-300">{step.body}</p>
            <div className="relative">
              <pre className="overflow-x-auto rounded-md bg-zinc-950 p-3 pr-20 font-mono text-xs text-zinc-100">
                <code>{step.command}</code>
              </pre>
              <CopyButton value={step.command} label={`Copy command: ${step.title}`} className="absolute top-2 right-2" />
            </div>
          </li>
        ))}
      </ol>
      <PolicyBlock title="Terraform (main.tf.json)" description="The same pool, provider and binding, for Terraform's Google provider." text={setup.terraform} fileName="vendor-portal-google.tf.json" />
      <section aria-label="Issuer not reachable from Google" className="space-y-1.5 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
        <h3 className="font-semibold">{issuerPrivate ? "This portal's issuer is not reachable from Google" : "If Google cannot reach this portal"}</h3>
        <p className="text-zinc-700 dark:text-zinc-300">
          Google fetches {issuerUrl}/.well-known/openid-configuration and its keys over the public internet. {issuerPrivate ? "This portal runs on a private address, so" : "When it cannot,"} create the provider with a copy of the
          portal&apos;s keys instead of step 2:
        </p>
        <div className="relative">
          <pre className="overflow-x-auto rounded-md bg-zinc-950 p-3 pr-20 font-mono text-xs text-zinc-100">
            <code>{setup.uploadedJwks.command}</code>
          </pre>
          <CopyButton value={setup.uploadedJwks.command} label="Copy command: provider with uploaded keys" className="absolute top-2 right-2" />
        </div>
        <p className="text-zinc-700 dark:text-zinc-300">{setup.uploadedJwks.note}</p>
      </section>
    </div>
  );
}
