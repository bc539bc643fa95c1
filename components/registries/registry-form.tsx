"use client";
// The add and edit forms of a registry: the generic shell (provider,
// hostname, name, app access, actions) around the provider's own fields
// (ecr-fields.tsx for Amazon ECR, provider-fields/ for every other provider).
// Both forms validate with the same zod schema the server action re-checks.
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { Controller, useForm, useWatch, type UseFormReturn } from "react-hook-form";
import { toast } from "sonner";
import { callAction, showActionError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { EcrFields, EcrHostnameDetails } from "@/components/registries/ecr-fields";
import { FormSection } from "@/components/registries/form-section";
import { ProviderCredentialFields } from "@/components/registries/provider-fields/provider-credential-fields";
import { ProviderPicker } from "@/components/registries/provider-fields/provider-picker";
import { Button, ButtonLink } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { DEFAULT_ROLE_NAME, roleReferenceOf } from "@/lib/aws/role-reference";
import { createRegistryAction, updateRegistryAction } from "@/lib/registries/actions";
import { cleanHostnameInput, describeRemoved } from "@/lib/registries/hostname-input";
import { PROVIDERS } from "@/lib/registries/providers";
import {
  REGISTRY_FORM_FIELDS,
  EMPTY_CREDENTIAL_FIELDS,
  storedSignInFields,
  ZCreateRegistryForm,
  ZUpdateRegistryForm,
  type TCreateRegistryInput,
  type TUpdateRegistryInput,
} from "@/lib/registries/schema";
import type { OidcSetupValues } from "@/lib/registries/setup-guide";
import type { EditableRegistry } from "@/lib/registries/editable-registry";

export interface RegistryFormContext {
  appSlug: string;
  /** The team's applications, for "App access". */
  applications: { id: string; name: string }[];
  /** Offer "Portal's own AWS identity" (ALLOW_AMBIENT_AWS_CREDENTIALS). */
  allowAmbient: boolean;
  oidc: OidcSetupValues;
  /** The AWS OIDC Configuration values, rendered by the page. */
  oidcPanel: ReactNode;
  /** Where the live setup guide is: in the form (default), or on the page's Setup tab (this URL). */
  setupGuideHref?: string;
}


/** How the stored secret is shown in the edit form, or null when none is stored. */
function storedSecretLabel(registry: EditableRegistry): string | null {
  if (registry.accessKeyIdMasked) return registry.accessKeyIdMasked;
  if (registry.serviceAccountEmail) return `key ${registry.privateKeyId ? `${registry.privateKeyId.slice(0, 8)}… ` : ""}of ${registry.serviceAccountEmail}`;
  return registry.secretMasked;
}

const SECRET_FIELDS = ["accessKeyId", "secretAccessKey", "password", "jsonKey", "clientSecret"] as const;

export function CreateRegistryForm(context: RegistryFormContext) {
  const router = useRouter();
  const [leaving, setLeaving] = useState(false);
  const form = useForm<TCreateRegistryInput>({
    resolver: zodResolver(ZCreateRegistryForm),
    // Errors show once a field is left, then update as the vendor types.
    mode: "onTouched",
    // IAM Authentication first, with the role name prefilled so the whole setup shows at once.
    defaultValues: { ...EMPTY_CREDENTIAL_FIELDS, provider: "ecr", name: "", hostname: "", authType: "iam_role", roleArn: DEFAULT_ROLE_NAME, roleAccountId: "", allApplications: true, applicationIds: [] },
  });

  async function onSubmit(values: TCreateRegistryInput) {
    const result = await callAction(createRegistryAction, values);
    if (!result.ok) return showActionError(form, result.error, REGISTRY_FORM_FIELDS);
    toast.success("Registry saved");
    setLeaving(true);
    // A new registry has never passed: what comes next is its setup, then the Test.
    router.push(`/apps/${context.appSlug}/registries/${result.data.registryId}?tab=setup`);
  }

  return (
    <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-8">
      <RegistryFormFields form={form} context={context} keptKey={null} />
      <FormActions pending={form.formState.isSubmitting || leaving} submitLabel="Save registry" cancelHref={`/apps/${context.appSlug}/registries`} />
    </form>
  );
}

export function EditRegistryForm({ registry, ...context }: RegistryFormContext & { registry: EditableRegistry }) {
  const router = useRouter();
  const storedSecret = storedSecretLabel(registry);
  const hasStoredKey = storedSecret !== null;
  // The stored ARN shown as a name (and an account when it is not the registry's).
  const role = registry.roleArn ? roleReferenceOf(registry.roleArn, hostnameOf(registry.hostname)) : { role: DEFAULT_ROLE_NAME, accountId: "" };
  const defaults: TUpdateRegistryInput = {
    ...EMPTY_CREDENTIAL_FIELDS,
    registryId: registry.id,
    provider: registry.provider,
    name: registry.name ?? "",
    hostname: registry.hostname,
    authType: registry.authType,
    accessKeyId: "",
    secretAccessKey: "",
    // Without a stored key, choosing access-key auth needs a new one.
    replaceAccessKey: !hasStoredKey,
    roleArn: role.role,
    roleAccountId: role.accountId,
    ...storedSignInFields(registry),
    allApplications: registry.allApplications,
    applicationIds: registry.applicationIds,
  };
  const form = useForm<TUpdateRegistryInput>({ resolver: zodResolver(ZUpdateRegistryForm), mode: "onTouched", defaultValues: defaults });
  const replaceAccessKey = useWatch({ control: form.control, name: "replaceAccessKey" });

  function setReplacing(replacing: boolean) {
    form.setValue("replaceAccessKey", replacing);
    if (!replacing) {
      for (const field of SECRET_FIELDS) form.setValue(field, "");
      form.clearErrors([...SECRET_FIELDS]);
    }
  }

  async function onSubmit(values: TUpdateRegistryInput) {
    const result = await callAction(updateRegistryAction, values);
    if (!result.ok) return showActionError(form, result.error, REGISTRY_FORM_FIELDS);
    const replaced = hasStoredKey && values.replaceAccessKey && values.authType !== "anonymous" && values.authType !== "iam_role" && values.authType !== "ambient" && values.authType !== "federated";
    form.reset({ ...values, accessKeyId: "", secretAccessKey: "", password: "", jsonKey: "", clientSecret: "", replaceAccessKey: !hasStoredKey });
    toast.success(replaced ? "Registry saved with the new secret" : "Registry saved");
    router.refresh();
  }

  return (
    <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-8">
      <RegistryFormFields
        // The fields use only names both inputs share; the update input adds registryId and replaceAccessKey.
        form={form as unknown as UseFormReturn<TCreateRegistryInput>}
        context={context}
        keptKey={hasStoredKey ? { masked: storedSecret, replacing: replaceAccessKey, setReplacing } : null}
      />
      <FormActions pending={form.formState.isSubmitting} submitLabel="Save changes" />
    </form>
  );
}

function hostnameOf(hostname: string) {
  const parsed = parseEcrHostname(hostname);
  return parsed.ok ? parsed.value : null;
}

function FormActions({ pending, submitLabel, cancelHref }: { pending: boolean; submitLabel: string; cancelHref?: string }) {
  return (
    <div className="flex flex-wrap items-center gap-3 border-t border-zinc-200 pt-5 dark:border-zinc-800">
      <Button type="submit" pending={pending}>
        {submitLabel}
      </Button>
      {cancelHref && (
        <ButtonLink href={cancelHref} variant="ghost">
          Cancel
        </ButtonLink>
      )}
      <p className="text-xs text-zinc-500 dark:text-zinc-400">You can save before the credential is ready and test the connection afterwards.</p>
    </div>
  );
}

export interface KeptKey {
  masked: string;
  replacing: boolean;
  setReplacing: (replacing: boolean) => void;
}

/**
 * The hostname, cleaned when the vendor pastes it or leaves the field (never
 * while typing, so "host/vendor/app" typed key by key keeps its slashes until
 * the vendor is done): a URL or an image reference becomes the hostname, with
 * a note saying what was removed. The note goes as soon as it no longer
 * applies (the field is edited, or the provider changes).
 */
function HostnameField({ form, provider }: { form: UseFormReturn<TCreateRegistryInput>; provider: TCreateRegistryInput["provider"] }) {
  const [removedNote, setRemovedNote] = useState<{ note: string; provider: string } | null>(null);
  const field = form.register("hostname");
  const clean = (target: HTMLInputElement) => {
    const cleaned = cleanHostnameInput(target.value);
    if (cleaned.removed.length === 0) return false;
    target.value = cleaned.hostname;
    setRemovedNote({ note: describeRemoved(cleaned) ?? "", provider });
    return true;
  };
  return (
    <div className="space-y-1.5">
      <TextField
        label="Hostname"
        placeholder={PROVIDERS[provider].hostnamePlaceholder}
        hint={`${PROVIDERS[provider].hostnameHelp} Pasting a URL or an image such as <hostname>/app:1.0 is fine: only the hostname is kept.`}
        autoComplete="off"
        spellCheck={false}
        error={form.formState.errors.hostname?.message}
        {...field}
        onChange={(event) => {
          const pasted = (event.nativeEvent as InputEvent).inputType === "insertFromPaste";
          if (!(pasted && clean(event.target))) setRemovedNote(null);
          return field.onChange(event);
        }}
        onBlur={(event) => {
          if (clean(event.target)) void field.onChange(event);
          return field.onBlur(event);
        }}
      />
      {removedNote && removedNote.provider === provider && (
        <p role="status" className="text-xs text-indigo-700 dark:text-indigo-300" data-testid="hostname-cleaned">
          {removedNote.note}
        </p>
      )}
    </div>
  );
}

function RegistryFormFields({ form, context, keptKey }: { form: UseFormReturn<TCreateRegistryInput>; context: RegistryFormContext; keptKey: KeptKey | null }) {
  const { errors } = form.formState;
  const [provider, hostname, allApplications] = useWatch({ control: form.control, name: ["provider", "hostname", "allApplications"] });

  return (
    <>
      <FormError message={errors.root?.server?.message} />

      <FormSection title="Registry">
        <ProviderPicker form={form} />
        <HostnameField form={form} provider={provider} />
        {provider === "ecr" && <EcrHostnameDetails hostname={hostname} />}
        <TextField
          label="Name (optional)"
          placeholder="prod-ecr"
          hint="Lower-case letters, digits and dashes; unique in your team. Used later in proxy paths."
          autoComplete="off"
          spellCheck={false}
          maxLength={63}
          error={errors.name?.message}
          {...form.register("name")}
        />
      </FormSection>

      {provider === "ecr" ? <EcrFields form={form} context={context} keptKey={keptKey} /> : <ProviderCredentialFields form={form} provider={PROVIDERS[provider]} keptKey={keptKey} oidc={context.oidc} />}

      <FormSection title="App access">
        <Controller
          control={form.control}
          name="allApplications"
          render={({ field }) => (
            <fieldset>
              <legend className="sr-only">Which applications may use this registry</legend>
              <div className="space-y-2">
                <label className="flex items-center gap-2 text-sm">
                  <input type="radio" name={field.name} checked={field.value} onChange={() => field.onChange(true)} className="accent-indigo-600" />
                  All applications of the team, including ones added later
                </label>
                <label className="flex items-center gap-2 text-sm">
                  <input type="radio" name={field.name} checked={!field.value} onChange={() => field.onChange(false)} className="accent-indigo-600" />
                  Only the applications I choose
                </label>
              </div>
            </fieldset>
          )}
        />
        {!allApplications && (
          <Controller
            control={form.control}
            name="applicationIds"
            render={({ field }) => (
              <fieldset aria-describedby={errors.applicationIds ? "application-ids-error" : undefined} className="ml-6 space-y-2">
                <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Applications</legend>
                {context.applications.map((application) => (
                  <label key={application.id} className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      checked={field.value.includes(application.id)}
                      onChange={(event) => field.onChange(event.target.checked ? [...field.value, application.id] : field.value.filter((id) => id !== application.id))}
                      className="accent-indigo-600"
                    />
                    {application.name}
                  </label>
                ))}
                {errors.applicationIds?.message && (
                  <p id="application-ids-error" className="text-sm text-red-600 dark:text-red-400">
                    {errors.applicationIds.message}
                  </p>
                )}
              </fieldset>
            )}
          />
        )}
      </FormSection>
    </>
  );
}
