"use client";
import { useId, useState, type ReactNode } from "react";
import { PolicyBlock } from "@/components/registries/policy-block";
import { buttonClassName } from "@/components/ui/button";
import { parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { formatPolicyJson } from "@/lib/aws/trust-policy";
import type { RegistryAuthType } from "@/lib/registries/schema";
import { buildRegistryPermissionsPolicy, buildRegistrySetupGuide, type OidcSetupValues, type PermissionsScope } from "@/lib/registries/setup-guide";

/**
 * What the vendor applies in AWS for this registry, generated live from the
 * hostname and role ARN by the same function the server uses.
 */
export function RegistrySetupGuide({
  authType,
  hostname,
  roleArn,
  roleAccountId = "",
  oidc,
}: {
  authType: RegistryAuthType;
  hostname: string;
  /** A role name or a full ARN, as in the form. */
  roleArn: string;
  roleAccountId?: string;
  oidc: OidcSetupValues;
}) {
  const [scope, setScope] = useState<PermissionsScope>("registry");
  const scopeChoice = <PermissionsScopeChoice scope={scope} onChange={setScope} />;

  if (authType !== "iam_role") {
    const registry = parseEcrHostname(hostname);
    if (!registry.ok) return <GuideHint>Enter a valid registry hostname to generate the permissions policy.</GuideHint>;
    return (
      <PolicyBlock
        title="Permissions policy"
        fileName="ecr-pull-policy.json"
        text={formatPolicyJson(buildRegistryPermissionsPolicy(registry.value, scope))}
        description={
          <>
            <p>
              Attach this to the {authType === "access_key" ? "IAM user whose access key the portal uses" : "portal's own AWS identity"}: it can log in to ECR and pull, nothing else.
            </p>
            {scopeChoice}
          </>
        }
      />
    );
  }

  const guide = buildRegistrySetupGuide({ hostname, roleArn, roleAccountId, oidc, scope });
  if (!guide.ok) return <GuideHint>{guide.message}</GuideHint>;
  const trustPolicy = formatPolicyJson(guide.trustPolicy);
  return (
    <div className="space-y-6">
      <OneClickSetup guide={guide} />
      <PolicyBlock
        title="Trust policy"
        fileName="trust-policy.json"
        text={trustPolicy}
        description={
          <p>
            The trust policy of <span className="font-mono">{guide.role.roleName}</span>: only tokens the portal issues for your team (<span className="font-mono">sub</span>) and for
            STS (<span className="font-mono">aud</span>) can assume the role. Step 2 creates the role with it; for an existing role, replace its trust policy with this (
            <a className="text-indigo-700 underline dark:text-indigo-300" href={guide.console.roleTrust} target="_blank" rel="noreferrer">
              the role&apos;s trust relationships in the AWS console
            </a>
            ).
          </p>
        }
      />
      <PolicyBlock
        title="Permissions policy"
        fileName="ecr-pull-policy.json"
        text={formatPolicyJson(guide.permissionsPolicy)}
        description={
          <>
            <p>Attach this to the role (Permissions → Add permissions → Create inline policy → JSON): it can log in to ECR and pull, nothing else.</p>
            {scopeChoice}
          </>
        }
      />
      {guide.crossAccount && guide.repositoryPolicy && (
        <section aria-label="Cross-account access" className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950/40">
          <h3 className="text-sm font-semibold">The role is in another account than the registry</h3>
          <p className="text-sm">
            The role is in account <span className="font-mono">{guide.role.accountId}</span>, the registry in account <span className="font-mono">{guide.registry.accountId}</span>. That works
            (cross-account pull), but the role&apos;s own permissions are not enough: in account <span className="font-mono">{guide.registry.accountId}</span>, each repository the portal
            pulls from must also allow the role in its repository policy (ECR → Repositories → repository → Permissions → Edit policy JSON). Without it, pulls fail with AccessDenied.
          </p>
          <PolicyBlock title="Repository policy" fileName="repository-policy.json" text={formatPolicyJson(guide.repositoryPolicy)} />
        </section>
      )}
      <section aria-label="Setup checklist" className="space-y-3">
        <h3 className="text-sm font-semibold">Setup checklist</h3>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Or step by step, in the AWS console or with the AWS CLI command under each step (the real values are filled in). Saving the registry first is fine; the test passes once
          every step is done.
        </p>
        <ol className="space-y-4">
          {guide.steps.map((step, index) => (
            <li key={step.id} id={`setup-step-${step.id}`} className="scroll-mt-20 space-y-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
              <p className="text-sm font-medium">
                <span className="mr-2 inline-flex size-6 items-center justify-center rounded-full bg-indigo-600 text-xs text-white">{index + 1}</span>
                {step.title}
              </p>
              <p className="text-sm text-zinc-600 dark:text-zinc-400">{step.explanation}</p>
              {step.id === "provider" && <ConsoleLink href={guide.console.identityProviders}>IAM identity providers in the AWS console</ConsoleLink>}
              {step.id === "role" && <ConsoleLink href={guide.console.roleTrust}>The role&apos;s trust relationships in the AWS console</ConsoleLink>}
              {step.id === "repository-policy" && <ConsoleLink href={guide.console.repositories}>ECR repositories in the AWS console</ConsoleLink>}
              <details className="group">
                <summary className="cursor-pointer text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300">AWS CLI command for step {index + 1}</summary>
                <div className="mt-2">
                  <PolicyBlock title={`Step ${index + 1} command`} text={step.command} />
                </div>
              </details>
            </li>
          ))}
          <li className="space-y-1 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
            <p className="text-sm font-medium">
              <span className="mr-2 inline-flex size-6 items-center justify-center rounded-full bg-indigo-600 text-xs text-white">{guide.steps.length + 1}</span>
              Save the registry here and test the connection
            </p>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">The test assumes the role exactly as the portal will, and says which step is missing if it fails.</p>
          </li>
        </ol>
      </section>
    </div>
  );
}

type ReadyGuide = Extract<ReturnType<typeof buildRegistrySetupGuide>, { ok: true }>;

/** CloudFormation and Terraform: the whole setup in one go, from the same documents as the steps below. */
function OneClickSetup({ guide }: { guide: ReadyGuide }) {
  return (
    <section aria-labelledby="one-click-setup-heading" className="space-y-3 rounded-md border border-indigo-200 bg-indigo-50/50 p-4 dark:border-indigo-900 dark:bg-indigo-950/30">
      <h3 id="one-click-setup-heading" className="text-sm font-semibold">
        One-click setup
      </h3>
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        Creates the OpenID Connect provider, the role <span className="font-mono">{guide.role.roleName}</span> with its trust policy, and the pull permissions in account{" "}
        <span className="font-mono">{guide.role.accountId}</span>, with exactly the policies shown below. If the account already has the portal&apos;s provider, set{" "}
        <span className="font-mono">CreateOidcProvider</span> (CloudFormation) or <span className="font-mono">create_oidc_provider</span> (Terraform) to false.
      </p>
      <div className="flex flex-wrap gap-2">
        {guide.cloudFormation.quickCreateUrl && (
          <a href={guide.cloudFormation.quickCreateUrl} target="_blank" rel="noreferrer" className={buttonClassName({ size: "sm" })}>
            Launch stack in CloudFormation
          </a>
        )}
        <a
          href={`data:application/json;charset=utf-8,${encodeURIComponent(guide.cloudFormation.template)}`}
          download={guide.cloudFormation.fileName}
          className={buttonClassName({ variant: "secondary", size: "sm" })}
        >
          Download CloudFormation template
        </a>
        <a
          href={`data:application/json;charset=utf-8,${encodeURIComponent(guide.terraform.config)}`}
          download={guide.terraform.fileName}
          className={buttonClassName({ variant: "secondary", size: "sm" })}
        >
          Download Terraform (.tf.json)
        </a>
      </div>
      {!guide.cloudFormation.quickCreateUrl && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          CloudFormation → Create stack → Upload a template file, then choose the downloaded template: its parameters are filled in. (A one-click &quot;Launch stack&quot; link needs the
          template in Amazon S3; the portal&apos;s operator can enable it with CLOUDFORMATION_TEMPLATE_URL.)
        </p>
      )}
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Terraform: save the file in an empty directory and run <span className="font-mono">terraform init &amp;&amp; terraform apply</span> with credentials for account{" "}
        <span className="font-mono">{guide.role.accountId}</span>.
      </p>
    </section>
  );
}

function ConsoleLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <p className="text-sm">
      <a className="text-indigo-700 underline dark:text-indigo-300" href={href} target="_blank" rel="noreferrer">
        {children}
      </a>
    </p>
  );
}

function PermissionsScopeChoice({ scope, onChange }: { scope: PermissionsScope; onChange: (scope: PermissionsScope) => void }) {
  const name = useId();
  return (
    <fieldset className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
      <legend className="sr-only">Repositories the policy allows</legend>
      {(
        [
          ["registry", "This registry's repositories (recommended)"],
          ["any", "Any repository (*)"],
        ] as const
      ).map(([value, label]) => (
        <label key={value} className="inline-flex items-center gap-2 text-sm text-zinc-800 dark:text-zinc-200">
          <input type="radio" name={name} value={value} checked={scope === value} onChange={() => onChange(value)} className="accent-indigo-600" />
          {label}
        </label>
      ))}
    </fieldset>
  );
}

function GuideHint({ children }: { children: ReactNode }) {
  return <p className="rounded-md border border-dashed border-zinc-300 px-4 py-3 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">{children}</p>;
}
