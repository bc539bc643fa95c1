import { PolicyBlock } from "@/components/registries/policy-block";
import { CopyButton } from "@/components/ui/copy-button";

export interface PullInstructionsProps {
  proxyHost: string;
  /** Null for viewers: they see the instructions with a placeholder instead of the license. */
  licenseId: string | null;
  /** docker login with the user name only: Docker prompts for the license, so it stays out of shell history. */
  dockerLogin: string;
  /** The same for scripts, reading the license from a file. */
  dockerLoginFromFile: string;
  pullSecretYaml: string;
  pullSecretName: string;
}

/** The license and what to hand the customer: docker login and a Kubernetes pull secret. */
export function PullInstructions({ proxyHost, licenseId, dockerLogin, dockerLoginFromFile, pullSecretYaml, pullSecretName }: PullInstructionsProps) {
  return (
    <div className="space-y-6">
      <section aria-label="License ID" className="space-y-2">
        <h3 className="text-sm font-semibold">License ID</h3>
        {licenseId ? (
          <div className="flex flex-wrap items-center gap-2">
            <code data-testid="license-id" className="rounded-md bg-zinc-100 px-2 py-1 font-mono text-sm break-all dark:bg-zinc-800">
              {licenseId}
            </code>
            <CopyButton value={licenseId} label="Copy license ID" copiedMessage="Copied the license ID" />
          </div>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Only members and admins of the team can see the license. The instructions below show where it goes.</p>
        )}
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          The customer signs in to <span className="font-mono">{proxyHost}</span> with the license ID as the password, and the license ID (or the customer&apos;s email) as the user
          name. Treat it like a password: anyone holding it can pull this application&apos;s images.
        </p>
      </section>
      <PolicyBlock title="Docker login command" description="Run once on each machine that pulls; Docker asks for the password: paste the license ID. It stays out of the shell's history and the process list." text={dockerLogin} />
      <PolicyBlock title="Docker login from a file" description="For scripts: the license ID in license.txt (readable only by its owner), read from standard input." text={dockerLoginFromFile} />
      <PolicyBlock
        title="Kubernetes image pull secret"
        description={
          <>
            Apply with <code className="font-mono">kubectl apply -n &lt;namespace&gt; -f secret.yaml</code>, then reference it from the pod spec as{" "}
            <code className="font-mono">imagePullSecrets: [{`{ name: ${pullSecretName} }`}]</code>.
          </>
        }
        text={pullSecretYaml}
      />
    </div>
  );
}
