"use client";
// The registry form's provider picker: one card per provider, from the
// provider modules. Picking one sets its first auth type and, for providers
// with a single hostname (Docker Hub, GHCR), that hostname.
import { useWatch, type UseFormReturn } from "react-hook-form";
import { getProvider, ownerOfHostname, PROVIDER_LIST, type RegistryProvider } from "@/lib/registries/providers";
import type { TCreateRegistryInput } from "@/lib/registries/schema";

export function ProviderPicker({ form }: { form: UseFormReturn<TCreateRegistryInput> }) {
  const { errors } = form.formState;
  const [current, hostname] = useWatch({ control: form.control, name: ["provider", "hostname"] });

  function pick(id: RegistryProvider) {
    if (id === current) return;
    const provider = getProvider(id)!;
    form.setValue("provider", id, { shouldDirty: true });
    form.setValue("authType", provider.authTypes[0]!.id, { shouldDirty: true });
    // A hostname typed for another provider (or that provider's fixed one) makes no sense for this one.
    const owner = hostname ? ownerOfHostname(hostname) : null;
    const previous = getProvider(current);
    if (!hostname || (owner && owner.id !== id) || hostname === previous?.fixedHostname) form.setValue("hostname", provider.fixedHostname ?? "", { shouldDirty: true });
    form.clearErrors();
  }

  return (
    <fieldset aria-describedby={errors.provider ? "provider-error" : undefined}>
      <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Provider</legend>
      <div role="radiogroup" aria-label="Provider" className="mt-2 grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
        {PROVIDER_LIST.map((provider) => (
          <label
            key={provider.id}
            className="flex cursor-pointer flex-col gap-1 rounded-md border border-zinc-300 p-3 text-sm has-checked:border-indigo-500 has-checked:bg-indigo-50 has-focus-visible:ring-2 has-focus-visible:ring-indigo-500 dark:border-zinc-700 dark:has-checked:bg-indigo-950/50"
          >
            <span className="flex items-center gap-2">
              <input
                type="radio"
                name="provider"
                value={provider.id}
                checked={current === provider.id}
                onChange={() => pick(provider.id)}
                aria-describedby={`provider-${provider.id}-description`}
                className="accent-indigo-600"
              />
              <span className="font-medium">{provider.label}</span>
            </span>
            {/* Outside the accessible name, read as the description. */}
            <span id={`provider-${provider.id}-description`} aria-hidden="true" className="text-xs text-zinc-600 dark:text-zinc-400">
              {provider.description}
            </span>
          </label>
        ))}
      </div>
      {errors.provider?.message && (
        <p id="provider-error" className="mt-1.5 text-sm text-red-600 dark:text-red-400">
          {errors.provider.message}
        </p>
      )}
    </fieldset>
  );
}
