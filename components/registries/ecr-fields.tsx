"use client";
// The Amazon ECR part of the registry form: what the hostname says, the auth
// type (access key, IAM Authentication, the portal's own identity), its
// fields and the live AWS setup guide. The generic shell (provider, hostname,
// name, app access, actions) is registry-form.tsx.
import { useId, useState } from "react";
import { useWatch, type UseFormReturn } from "react-hook-form";
import { FormSection } from "@/components/registries/form-section";
import type { KeptKey, RegistryFormContext } from "@/components/registries/registry-form";
import { RegistrySetupGuide } from "@/components/registries/registry-setup-guide";
import { SetupPreview } from "@/components/registries/setup-preview";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { DEFAULT_ROLE_NAME, looksLikeArn, resolveRoleReference } from "@/lib/aws/role-reference";
import { PROVIDERS } from "@/lib/registries/providers";
import { AUTH_TYPE_LABEL, type RegistryAuthType, type TCreateRegistryInput } from "@/lib/registries/schema";

/** Auth type, credentials or role, and the AWS setup guide of an ECR registry. */
export function EcrFields({ form, context, keptKey }: { form: UseFormReturn<TCreateRegistryInput>; context: RegistryFormContext; keptKey: KeptKey | null }) {
  const { errors } = form.formState;
  const [hostname, authType, roleArn, roleAccountId] = useWatch({ control: form.control, name: ["hostname", "authType", "roleArn", "roleAccountId"] });
  const idPrefix = useId();
  // IAM Authentication first: it is the recommended way (no stored secret).
  const authTypes = PROVIDERS.ecr.authTypes.map((spec) => spec.id).filter((type) => type !== "ambient" || context.allowAmbient || authType === "ambient");

  // The portal's OIDC values: in the edit form under Authentication; in the add form inside the setup preview.
  const oidcSection = (
    <section aria-label="AWS OIDC Configuration" className="rounded-md border border-zinc-200 p-4 dark:border-zinc-800">
      <h3 className="text-sm font-semibold">AWS OIDC Configuration</h3>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        Add the portal as an OpenID Connect identity provider in IAM (IAM → Identity providers → Add provider) with these values.
      </p>
      <div className="mt-2">{context.oidcPanel}</div>
    </section>
  );
  return (
    <>
      <FormSection title="Authentication">
        <fieldset aria-describedby={errors.authType ? "auth-type-error" : undefined}>
          <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Auth type</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {authTypes.map((type) => (
              <label
                key={type}
                className="flex cursor-pointer items-start gap-3 rounded-md border border-zinc-300 p-3 text-sm has-checked:border-indigo-500 has-checked:bg-indigo-50 dark:border-zinc-700 dark:has-checked:bg-indigo-950/50"
              >
                <input type="radio" value={type} aria-describedby={`${idPrefix}-${type}-hint`} className="mt-0.5 accent-indigo-600" {...form.register("authType")} />
                <span>
                  <span className="flex flex-wrap items-center gap-2 font-medium">
                    {AUTH_TYPE_LABEL[type]}
                    {type === "iam_role" && <Badge tone="info">Recommended</Badge>}
                  </span>
                  {/* Outside the accessible name, read as the description. */}
                  <span id={`${idPrefix}-${type}-hint`} aria-hidden="true" className="block text-xs text-zinc-600 dark:text-zinc-400">
                    {AUTH_TYPE_HINT[type]}
                  </span>
                </span>
              </label>
            ))}
          </div>
          {errors.authType?.message && (
            <p id="auth-type-error" className="mt-1.5 text-sm text-red-600 dark:text-red-400">
              {errors.authType.message}
            </p>
          )}
        </fieldset>

        {authType === "access_key" &&
          (keptKey && !keptKey.replacing ? (
            <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-800">
              <dl className="flex flex-wrap gap-x-6 gap-y-1">
                <div className="flex gap-2">
                  <dt className="text-zinc-500 dark:text-zinc-400">Access key ID</dt>
                  <dd className="font-mono">{keptKey.masked}</dd>
                </div>
                <div className="flex gap-2">
                  <dt className="text-zinc-500 dark:text-zinc-400">Secret access key</dt>
                  <dd>secret set</dd>
                </div>
              </dl>
              <Button variant="secondary" size="sm" onClick={() => keptKey.setReplacing(true)}>
                Replace access key
              </Button>
            </div>
          ) : (
            <div className="space-y-4">
              <TextField
                label="Access key ID"
                placeholder="AKIAIOSFODNN7EXAMPLE"
                hint="AKIA or ASIA followed by 16 upper-case letters or digits."
                autoComplete="off"
                spellCheck={false}
                error={errors.accessKeyId?.message}
                {...form.register("accessKeyId")}
              />
              <TextField
                label="Secret access key"
                type="password"
                hint={keptKey ? "Replaces the stored secret when you save. It is stored encrypted and never shown again." : "Stored encrypted and never shown again, not even to you."}
                autoComplete="new-password"
                spellCheck={false}
                error={errors.secretAccessKey?.message}
                {...form.register("secretAccessKey")}
              />
              {keptKey && (
                <Button variant="ghost" size="sm" onClick={() => keptKey.setReplacing(false)}>
                  Keep the current key ({keptKey.masked})
                </Button>
              )}
            </div>
          ))}

        {authType === "iam_role" && (
          <div className="space-y-4">
            <RoleFields form={form} hostname={hostname} roleArn={roleArn} roleAccountId={roleAccountId ?? ""} />
            {context.setupGuideHref && oidcSection}
          </div>
        )}

        {authType === "ambient" && (
          <p className="rounded-md border border-zinc-200 p-3 text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
            The portal uses its default AWS credential chain: environment variables, shared config, a web identity token file (IRSA), or the instance or task role. Nothing is stored
            for this registry.
          </p>
        )}
      </FormSection>

      {context.setupGuideHref ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          The AWS setup for the saved settings (policies, one-click setup, checklist) is on the{" "}
          <a className="text-indigo-700 underline dark:text-indigo-300" href={context.setupGuideHref}>
            Setup tab
          </a>
          ; it follows your changes once you save.
        </p>
      ) : (
        <SetupPreview cloud="AWS">
          {authType === "iam_role" && oidcSection}
          <FormSection title={authType === "iam_role" ? "Set up AWS" : "Permissions in AWS"}>
            <RegistrySetupGuide authType={authType} hostname={hostname} roleArn={roleArn} roleAccountId={roleAccountId ?? ""} oidc={context.oidc} />
          </FormSection>
        </SetupPreview>
      )}

    </>
  );
}

/**
 * The role as a name (prefilled, so the whole setup shows at once) in the
 * registry's account, which another account can replace; a pasted full ARN
 * carries its own account.
 */
function RoleFields({ form, hostname, roleArn, roleAccountId }: { form: UseFormReturn<TCreateRegistryInput>; hostname: string; roleArn: string; roleAccountId: string }) {
  const { errors } = form.formState;
  const [otherAccount, setOtherAccount] = useState(roleAccountId !== "" || Boolean(errors.roleAccountId));
  const registry = parseEcrHostname(hostname);
  const arn = looksLikeArn(roleArn);
  const resolved = registry.ok ? resolveRoleReference({ role: roleArn, accountId: roleAccountId, registry: registry.value }) : null;
  const registryAccount = registry.ok ? registry.value.accountId : null;

  function useRegistryAccount() {
    setOtherAccount(false);
    form.setValue("roleAccountId", "", { shouldValidate: form.formState.isSubmitted });
  }

  return (
    <div className="space-y-3">
      <TextField
        label="Role name"
        placeholder={DEFAULT_ROLE_NAME}
        hint="The IAM role the portal assumes; the setup below creates it with exactly this name. To use an existing role, enter its name or paste its full ARN."
        autoComplete="off"
        spellCheck={false}
        error={errors.roleArn?.message}
        {...form.register("roleArn")}
      />
      {arn ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">The account and partition are taken from the ARN.</p>
      ) : otherAccount ? (
        <div className="space-y-2">
          <TextField
            label="Role's account ID"
            placeholder={registryAccount ?? "123456789012"}
            hint="The 12-digit account the role is in, when it is not the registry's (cross-account pull)."
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            error={errors.roleAccountId?.message}
            {...form.register("roleAccountId")}
          />
          {registryAccount && (
            <Button variant="ghost" size="sm" onClick={useRegistryAccount}>
              Use the registry&apos;s account ({registryAccount})
            </Button>
          )}
        </div>
      ) : (
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
          <span className="text-zinc-600 dark:text-zinc-400">
            In account <span className="font-mono text-zinc-900 dark:text-zinc-100">{registryAccount ?? "(from the hostname)"}</span>
            {registryAccount && " (the registry's)"}
          </span>
          <Button variant="ghost" size="sm" onClick={() => setOtherAccount(true)}>
            Role in another account
          </Button>
        </div>
      )}
      {resolved?.ok && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          Role ARN: <span className="font-mono break-all text-zinc-900 dark:text-zinc-100" data-testid="resolved-role-arn">{resolved.value.arn}</span>
        </p>
      )}
    </div>
  );
}

const AUTH_TYPE_HINT: Partial<Record<RegistryAuthType, string>> = {
  access_key: "An IAM user's access key ID and secret access key, stored encrypted.",
  iam_role: "The portal assumes an IAM role in your account with a short-lived token. No AWS key is stored.",
  ambient: "The AWS identity the portal itself runs with (single-tenant installs).",
};

/** Account, region and partition read from the hostname as it is typed. */
export function EcrHostnameDetails({ hostname }: { hostname: string }) {
  const parsed = parseEcrHostname(hostname);
  if (!parsed.ok) return null;
  const registry = parsed.value;
  const items: [string, string][] =
    registry.kind === "public"
      ? [
          ["Registry", "ECR Public"],
          ["API region", registry.apiRegion],
          ["Partition", registry.partition],
        ]
      : [
          ["Account", registry.accountId!],
          ["Region", registry.region],
          ["Partition", registry.partition],
          ...(registry.fips ? ([["Endpoint", "FIPS"]] as [string, string][]) : []),
          ...(registry.dualStack ? ([["Network", "dual-stack (IPv4 and IPv6)"]] as [string, string][]) : []),
        ];
  return (
    <dl aria-label="Read from the hostname" className="-mt-2 flex flex-wrap gap-x-6 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
      {items.map(([label, value]) => (
        <div key={label} className="flex gap-1.5">
          <dt>{label}</dt>
          <dd className="font-mono text-zinc-900 dark:text-zinc-100">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
