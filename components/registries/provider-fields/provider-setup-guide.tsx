"use client";
// A provider's setup guide (where to create the credential, the least it must
// be allowed, the CLI command, the pull scope), from its module, for the
// hostname being typed. For the keyless auth type, the provider's federation
// guide instead: the commands with the portal's issuer and the team's subject
// filled in, and the one-click artefacts (Terraform JSON). Rendered by the
// form and by the registry page.
import { PolicyBlock } from "@/components/registries/policy-block";
import { CopyButton } from "@/components/ui/copy-button";
import { PROVIDERS, type FederationArtefact, type FederationSettings, type GenericFlavor, type ProviderSetupGuide as ProviderSetupGuideType, type RegistryAuthType, type RegistryProvider } from "@/lib/registries/providers";

export interface KeylessGuideValues {
  issuerUrl: string;
  subject: string;
  localEndpoints: Record<string, string>;
  settings: FederationSettings;
}

/** Takes the provider's id, not its module: a server page can render it (functions do not cross to the client). */
export function ProviderSetupGuide({
  providerId,
  hostname,
  flavor,
  repository,
  authType,
  keyless,
}: {
  providerId: RegistryProvider;
  hostname: string;
  flavor?: GenericFlavor;
  repository?: string;
  authType?: RegistryAuthType;
  keyless?: KeylessGuideValues;
}) {
  const provider = PROVIDERS[providerId];
  const host = hostname.trim() || provider.fixedHostname || provider.hostnamePlaceholder;
  const federated = authType === "federated" && provider.federation && keyless;
  const guide: ProviderSetupGuideType & { artefacts?: FederationArtefact[] } = federated
    ? provider.federation!.setupGuide({ issuerUrl: keyless.issuerUrl, subject: keyless.subject, hostname: host, settings: keyless.settings, repository, localEndpoints: keyless.localEndpoints })
    : provider.setupGuide({ hostname: host, repository, flavor });
  return (
    <div className="space-y-4 text-sm" data-testid={federated ? "keyless-setup-guide" : undefined}>
      <ol className="space-y-4">
        {guide.steps.map((step, index) => (
          <li key={step.title} className="space-y-1.5">
            <p className="font-medium">
              {index + 1}. {step.title}
            </p>
            <p className="text-zinc-700 dark:text-zinc-300">{step.body}</p>
            {step.command && (
              <div className="relative">
                <pre className="overflow-x-auto rounded-md bg-zinc-950 p-3 pr-20 font-mono text-xs text-zinc-100" data-testid="setup-command">
                  <code>{step.command}</code>
                </pre>
                <CopyButton value={step.command} label={`Copy command: ${step.title}`} className="absolute top-2 right-2" />
              </div>
            )}
          </li>
        ))}
      </ol>
      {guide.artefacts?.map((artefact) => <PolicyBlock key={artefact.fileName} title={artefact.title} fileName={artefact.fileName} text={artefact.text} description={<p>{artefact.description}</p>} />)}
      <dl className="grid gap-3 rounded-md border border-zinc-200 p-3 sm:grid-cols-[auto_1fr] dark:border-zinc-800">
        <dt className="font-medium">Minimum permission</dt>
        <dd>{guide.minimumPermission}</dd>
        <dt className="font-medium">Pull scope</dt>
        <dd className="font-mono break-all">{guide.pullScope}</dd>
      </dl>
    </div>
  );
}
