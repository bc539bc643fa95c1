import type { ReactNode } from "react";

/**
 * The setup guide in the add form, collapsed to a preview: the form itself is
 * provider, hostname, authentication, app access and Save, and the whole
 * guide (values, policies, commands, one-click artefacts) is one click away.
 * After Save the registry opens on its Setup tab with the same guide.
 */
export function SetupPreview({ cloud, children }: { cloud: string; children: ReactNode }) {
  return (
    <details className="group rounded-lg border border-zinc-200 dark:border-zinc-800" data-testid="setup-preview">
      <summary className="cursor-pointer px-4 py-3 text-sm font-medium" data-testid="setup-preview-toggle">
        Preview: what you will do in {cloud}
        <span className="ml-2 font-normal text-zinc-600 dark:text-zinc-400">(you can save first: the registry then opens on this setup)</span>
      </summary>
      <div className="space-y-6 border-t border-zinc-200 p-4 dark:border-zinc-800">{children}</div>
    </details>
  );
}
