import type { ReactNode } from "react";
import { buttonClassName } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";

/** A generated JSON document or command, with Copy and (for JSON) Download. */
export function PolicyBlock({ title, description, text, fileName }: { title: string; description?: ReactNode; text: string; fileName?: string }) {
  const lowerTitle = title.charAt(0).toLowerCase() + title.slice(1);
  return (
    <section aria-label={title} className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold">{title}</h3>
        <div className="flex items-center gap-2">
          <CopyButton value={text} label={`Copy ${lowerTitle}`} copiedMessage={`Copied the ${lowerTitle}`} />
          {fileName && (
            <a
              href={`data:application/json;charset=utf-8,${encodeURIComponent(text)}`}
              download={fileName}
              className={buttonClassName({ variant: "secondary", size: "sm" })}
            >
              Download JSON<span className="sr-only"> of the {lowerTitle}</span>
            </a>
          )}
        </div>
      </div>
      {description && <div className="text-sm text-zinc-600 dark:text-zinc-400">{description}</div>}
      {/* The whole document is shown (no height limit); long lines scroll sideways, by keyboard too. */}
      <pre tabIndex={0} role="region" aria-label="Scrollable code" className="overflow-x-auto rounded-md bg-zinc-950 p-3 font-mono text-xs leading-relaxed text-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-500">
        <code>{text}</code>
      </pre>
    </section>
  );
}
