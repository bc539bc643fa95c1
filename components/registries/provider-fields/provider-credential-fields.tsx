"use client";
// The credential part of the registry form for every provider except Amazon
// ECR (ecr-fields.tsx): the auth type, the provider's fields as its module
// declares them (secrets write-only and masked; a stored one is kept unless
// replaced; the keyless type first and marked recommended), Harbor/Nexus/
// JFrog/Other for generic registries, and the provider's setup guide, live
// from the hostname (keyless: with the portal's issuer and the team's subject).
import { useId } from "react";
import { useWatch, type UseFormReturn } from "react-hook-form";
import type { KeptKey } from "@/components/registries/registry-form";
import { FormSection } from "@/components/registries/form-section";
import { JsonKeyField } from "@/components/registries/provider-fields/json-key-field";
import { ProviderSetupGuide } from "@/components/registries/provider-fields/provider-setup-guide";
import { SetupPreview } from "@/components/registries/setup-preview";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { GENERIC_FLAVORS, type FieldSpec, type GenericFlavor, type RegistryProviderModule } from "@/lib/registries/providers";
import type { TCreateRegistryInput } from "@/lib/registries/schema";
import type { OidcSetupValues } from "@/lib/registries/setup-guide";

export const FLAVOR_LABEL: Record<GenericFlavor, string> = { harbor: "Harbor", nexus: "Sonatype Nexus", jfrog: "JFrog Artifactory", other: "Other OCI registry" };

export function ProviderCredentialFields({ form, provider, keptKey, oidc }: { form: UseFormReturn<TCreateRegistryInput>; provider: RegistryProviderModule; keptKey: KeptKey | null; oidc: OidcSetupValues }) {
  const { errors } = form.formState;
  const [authType, hostname, flavor, username, tenantId, clientId, projectNumber, poolId, providerId, serviceAccount, acrPermissionsMode, abacRepositories] = useWatch({
    control: form.control,
    name: ["authType", "hostname", "flavor", "username", "tenantId", "clientId", "projectNumber", "poolId", "providerId", "serviceAccount", "acrPermissionsMode", "abacRepositories"],
  });
  const keyless = {
    issuerUrl: oidc.issuerUrl,
    subject: oidc.subject,
    localEndpoints: oidc.keylessLocalEndpoints ?? {},
    settings: { username, tenantId, clientId, projectNumber, poolId, providerId, serviceAccount, acrPermissionsMode, abacRepositories },
  };
  const idPrefix = useId();
  const spec = provider.authTypes.find((candidate) => candidate.id === authType) ?? provider.authTypes[0]!;
  const plainFields = spec.fields.filter((field) => !field.secret);
  const secretFields = spec.fields.filter((field) => field.secret);

  return (
    <>
      <FormSection title="Authentication">
        {provider.id === "generic" && (
          <SelectField label="Registry software" hint="Shapes the setup guide; every OCI registry works the same way." error={errors.flavor?.message} {...form.register("flavor")}>
            {GENERIC_FLAVORS.map((option) => (
              <option key={option} value={option}>
                {FLAVOR_LABEL[option]}
              </option>
            ))}
          </SelectField>
        )}

        {provider.authTypes.length > 1 && (
          <fieldset aria-describedby={errors.authType ? "auth-type-error" : undefined}>
            <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Auth type</legend>
            <div className="mt-2 grid gap-2 sm:grid-cols-2">
              {provider.authTypes.map((type) => (
                <label
                  key={type.id}
                  className="flex cursor-pointer items-start gap-3 rounded-md border border-zinc-300 p-3 text-sm has-checked:border-indigo-500 has-checked:bg-indigo-50 dark:border-zinc-700 dark:has-checked:bg-indigo-950/50"
                >
                  <input type="radio" value={type.id} aria-describedby={`${idPrefix}-${type.id}-hint`} className="mt-0.5 accent-indigo-600" {...form.register("authType")} />
                  <span>
                    <span className="block font-medium">
                      {type.label}
                      {type.recommended && <span aria-hidden="true" className="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-900/60 dark:text-emerald-200">Recommended</span>}
                    </span>
                    <span id={`${idPrefix}-${type.id}-hint`} aria-hidden="true" className="block text-xs text-zinc-600 dark:text-zinc-400">
                      {type.recommended && <span className="sr-only">Recommended. </span>}
                      {type.hint}
                    </span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
        )}
        {provider.authTypes.length === 1 && <p className="text-sm text-zinc-600 dark:text-zinc-400">{spec.hint}</p>}
        {errors.authType?.message && (
          <p id="auth-type-error" className="text-sm text-red-600 dark:text-red-400">
            {errors.authType.message}
          </p>
        )}

        {plainFields.map((field) =>
          field.options ? (
            <SelectField key={field.name} label={field.label} hint={field.help} error={errors[field.name]?.message} {...form.register(field.name)}>
              {field.options.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </SelectField>
          ) : (
          <TextField
            key={field.name}
            label={field.label}
            hint={field.help}
            placeholder={field.placeholder}
            autoComplete="off"
            spellCheck={false}
            error={errors[field.name]?.message}
            {...form.register(field.name)}
          />
          ),
        )}

        {secretFields.length > 0 &&
          (keptKey && !keptKey.replacing ? (
            <KeptSecret keptKey={keptKey} fields={secretFields} />
          ) : (
            secretFields.map((field) =>
              field.multiline ? (
                <JsonKeyField key={field.name} form={form} spec={field} />
              ) : (
                <TextField
                  key={field.name}
                  type="password"
                  label={field.label}
                  hint={field.help}
                  placeholder={field.placeholder}
                  // Write-only: never filled in by the browser from another site's password.
                  autoComplete="new-password"
                  spellCheck={false}
                  error={errors[field.name]?.message}
                  {...form.register(field.name)}
                />
              ),
            )
          ))}
        {keptKey?.replacing && secretFields.length > 0 && (
          <Button variant="ghost" size="sm" onClick={() => keptKey.setReplacing(false)}>
            Keep the stored {secretFields.map((field) => field.label.toLowerCase()).join(" and ")}
          </Button>
        )}
      </FormSection>

      <SetupPreview cloud={provider.label}>
        <FormSection title={`Set up ${provider.label}`}>
          <ProviderSetupGuide providerId={provider.id} hostname={hostname} flavor={flavor} authType={authType} keyless={keyless} />
        </FormSection>
      </SetupPreview>
    </>
  );
}

function KeptSecret({ keptKey, fields }: { keptKey: KeptKey; fields: FieldSpec[] }) {
  const names = fields.map((field) => field.label).join(" and ");
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-800">
      <dl className="flex flex-wrap gap-x-6 gap-y-1">
        <div className="flex gap-2">
          <dt className="text-zinc-500 dark:text-zinc-400">{names}</dt>
          <dd>
            <span className="font-mono">{keptKey.masked}</span> <span className="text-zinc-500 dark:text-zinc-400">(stored encrypted, never shown)</span>
          </dd>
        </div>
      </dl>
      <Button variant="secondary" size="sm" onClick={() => keptKey.setReplacing(true)}>
        Replace {fields.length === 1 ? fields[0]!.label.toLowerCase() : "secret"}
      </Button>
    </div>
  );
}
