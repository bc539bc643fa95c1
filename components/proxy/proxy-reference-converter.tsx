"use client";
import { useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { CopyButton } from "@/components/ui/copy-button";
import { TextField } from "@/components/ui/field";
import { toProxyReference } from "@/lib/proxy/proxy-reference";

export interface ProxyReferenceConverterProps {
  proxyHost: string;
  appSlug: string;
  /** When set, a reference to another registry host is pointed out. */
  expectedHostname?: string;
  /** Hostnames the application can pull from; anything else would be refused by the proxy. */
  allowedHostnames?: string[];
  placeholder?: string;
}

/** Paste an upstream image reference, get the one customers pull; validated as you type. */
export function ProxyReferenceConverter({ proxyHost, appSlug, expectedHostname, allowedHostnames, placeholder }: ProxyReferenceConverterProps) {
  const [value, setValue] = useState("");
  const outputId = useId();
  const result = value.trim() === "" ? null : toProxyReference(value, appSlug, proxyHost);
  const hostname = result?.ok ? result.value.upstream.hostname : null;
  const notes: string[] = [];
  if (result?.ok && result.value.defaultedToLatest) notes.push("No tag was given, so :latest is used, as docker would.");
  if (result?.ok && result.value.droppedTag) notes.push("Both a tag and a digest were given; the digest is kept (clients pull by digest and ignore the tag).");
  const wrongHost = hostname !== null && expectedHostname !== undefined && hostname !== expectedHostname;
  const notAllowed = hostname !== null && allowedHostnames !== undefined && !allowedHostnames.includes(hostname);

  return (
    <div className="space-y-3">
      <TextField
        label="Upstream image reference"
        placeholder={placeholder ?? "123456789012.dkr.ecr.us-east-1.amazonaws.com/vendor/app:1.0"}
        value={value}
        onChange={(event) => setValue(event.target.value)}
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        error={result && !result.ok ? result.message : undefined}
        hint="As you would pull it from your own registry: hostname/repository:tag or @sha256:…"
      />
      {result?.ok && (
        <div className="space-y-2" aria-live="polite">
          <p id={outputId} className="text-sm font-medium">
            Customers pull
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code aria-labelledby={outputId} data-testid="proxy-reference" className="rounded-md bg-zinc-100 px-2 py-1 font-mono text-sm break-all dark:bg-zinc-800">
              {result.value.reference}
            </code>
            <CopyButton value={result.value.reference} label="Copy proxy image reference" copiedMessage="Copied the image reference" />
          </div>
          {notes.map((note) => (
            <p key={note} className="text-xs text-zinc-600 dark:text-zinc-400">
              {note}
            </p>
          ))}
          {wrongHost && (
            <Alert tone="warning">
              This image is on <span className="font-mono break-all">{hostname}</span>, not on this registry (<span className="font-mono break-all">{expectedHostname}</span>).
            </Alert>
          )}
          {!wrongHost && notAllowed && (
            <Alert tone="warning">
              <span className="font-mono break-all">{hostname}</span> is not a registry this application can use, so the proxy will refuse it. Add the registry, or give it access
              to this application.
            </Alert>
          )}
        </div>
      )}
    </div>
  );
}
