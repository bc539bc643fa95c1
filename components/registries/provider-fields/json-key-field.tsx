"use client";
// Google's service account JSON key: pasted or read from the downloaded file,
// checked in the browser with the server's own parser, and once valid shown
// only as the account, project and key ID it belongs to; the private key is
// never displayed again (the field is write-only like every secret).
import { useId, useRef } from "react";
import { useWatch, type UseFormReturn } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { TextAreaField } from "@/components/ui/field";
import type { FieldSpec } from "@/lib/registries/providers";
import { parseServiceAccountKey } from "@/lib/registries/providers/google";
import type { TCreateRegistryInput } from "@/lib/registries/schema";

export function JsonKeyField({ form, spec }: { form: UseFormReturn<TCreateRegistryInput>; spec: FieldSpec }) {
  const value = useWatch({ control: form.control, name: "jsonKey" });
  const fileInput = useRef<HTMLInputElement>(null);
  const fileInputId = useId();
  const parsed = value.trim() ? parseServiceAccountKey(value) : null;
  const error = form.formState.errors.jsonKey?.message;

  async function readFile(file: File | undefined) {
    if (!file) return;
    form.setValue("jsonKey", await file.text(), { shouldDirty: true, shouldValidate: true });
    if (fileInput.current) fileInput.current.value = "";
  }

  function clear() {
    form.setValue("jsonKey", "", { shouldDirty: true });
    form.clearErrors("jsonKey");
  }

  if (parsed?.ok) {
    return (
      <div className="space-y-1.5">
        <p className="text-sm font-medium text-zinc-800 dark:text-zinc-200">{spec.label}</p>
        <div role="status" className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-800 dark:bg-emerald-950/40">
          <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[auto_1fr]">
            <dt className="text-zinc-600 dark:text-zinc-400">Service account</dt>
            <dd className="font-mono break-all">{parsed.value.clientEmail}</dd>
            <dt className="text-zinc-600 dark:text-zinc-400">Project</dt>
            <dd className="font-mono">{parsed.value.projectId}</dd>
            <dt className="text-zinc-600 dark:text-zinc-400">Key ID</dt>
            <dd className="font-mono">{parsed.value.privateKeyId}</dd>
          </dl>
          <Button variant="secondary" size="sm" onClick={clear}>
            Use another key
          </Button>
        </div>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">The key is sent once when you save, stored encrypted and never shown again.</p>
      </div>
    );
  }

  return (
    <div className="space-y-2">
      <TextAreaField
        label={spec.label}
        hint={spec.help}
        error={error}
        rows={6}
        autoComplete="off"
        spellCheck={false}
        placeholder='{ "type": "service_account", "project_id": "…", "private_key_id": "…", "private_key": "-----BEGIN PRIVATE KEY-----…", "client_email": "…" }'
        className="font-mono text-xs"
        {...form.register("jsonKey")}
      />
      <div className="flex items-center gap-2 text-sm">
        <input ref={fileInput} id={fileInputId} type="file" accept="application/json,.json" className="sr-only" onChange={(event) => void readFile(event.target.files?.[0])} />
        <Button variant="secondary" size="sm" onClick={() => fileInput.current?.click()}>
          Choose key file…
        </Button>
        <label htmlFor={fileInputId} className="text-xs text-zinc-500 dark:text-zinc-400">
          or paste the file&apos;s contents above
        </label>
      </div>
    </div>
  );
}
