"use client";
import { CopyButton } from "@/components/ui/copy-button";
import { TextField } from "@/components/ui/field";

/** A new signing secret, shown once with a copy button. */
export function SecretOnce({ secret, note }: { secret: string; note?: string }) {
  return (
    <div role="status" className="rounded-md border border-emerald-300 bg-emerald-50 px-4 py-3 text-sm text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950/60 dark:text-emerald-50">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <TextField label="Signing secret" value={secret} readOnly onFocus={(event) => event.currentTarget.select()} className="font-mono text-xs" fieldClassName="flex-1 min-w-0" />
        <CopyButton value={secret} label="Copy signing secret" size="md" copiedMessage="Signing secret copied" />
      </div>
      <p className="mt-2">
        Copy it now into your receiver&apos;s configuration: it is shown only this once. Verify each request&apos;s <code className="font-mono">webhook-signature</code> with a Standard Webhooks library. {note}
      </p>
    </div>
  );
}
