import type { ReactNode } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import type { OidcProviderInfo } from "@/lib/oidc/provider-info";

/**
 * The values a vendor copies into AWS when creating the OpenID Connect
 * provider and role, each read-only with a copy button. Used on the admin
 * "Identity provider" page and in the registry form's AWS OIDC panel.
 */
export function OidcValues({ provider, subject, extra }: { provider: OidcProviderInfo; subject: string; extra?: ReactNode }) {
  const thumbprint = provider.thumbprint;
  return (
    <dl className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
      <OidcValue label="Issuer URL" value={provider.issuerUrl} />
      <OidcValue label="Audience" value={provider.audience} />
      {thumbprint.kind === "computed" || thumbprint.kind === "configured" ? (
        <OidcValue
          label="Thumbprint"
          value={thumbprint.value}
          note={thumbprint.kind === "configured" ? "Configured with OIDC_THUMBPRINT, not computed." : `Computed from the certificate chain ${thumbprint.host} sends.`}
        />
      ) : (
        <OidcValue label="Thumbprint" note={thumbprint.reason} />
      )}
      <OidcValue label="Subject type" value={provider.subjectType} />
      <OidcValue label="Subject (this team)" value={subject} />
      {extra}
    </dl>
  );
}

export function OidcValue({ label, value, note }: { label: string; value?: string; note?: string }) {
  return (
    // A <dl>'s groups may hold only <dt> and <dd>: the copy button sits inside the <dd>.
    <div className="grid gap-1 py-2.5 sm:grid-cols-[11rem_1fr] sm:items-center sm:gap-3">
      <dt className="font-medium text-zinc-700 dark:text-zinc-300">{label}</dt>
      <dd className="flex min-w-0 items-start justify-between gap-3 sm:items-center">
        <div className="min-w-0">
          {value && <code className="break-all rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">{value}</code>}
          {note && <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">{note}</p>}
        </div>
        {value && <CopyButton value={value} label={`Copy ${label.toLowerCase()}`} />}
      </dd>
    </div>
  );
}
