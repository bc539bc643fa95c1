import type { ComponentProps, ReactNode } from "react";
import { cx } from "@/components/ui/cx";

// Plain table parts with the portal's styling. The wrapper scrolls
// sideways on narrow screens instead of squeezing the columns.

/** A data table; `label` names it for screen readers (a visually hidden caption). */
export function Table({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    // relative: keeps visually hidden labels inside the scroll box instead of widening the page.
    // Focusable and named, so a table wider than the screen scrolls by keyboard too.
    <div role="region" aria-label={`${label} (scrolls sideways)`} tabIndex={0} className="relative overflow-x-auto focus-visible:outline-2 focus-visible:outline-indigo-500">
      <table className={cx("w-full text-left text-sm", className)}>
        <caption className="sr-only">{label}</caption>
        {children}
      </table>
    </div>
  );
}

export function THead({ children }: { children: ReactNode }) {
  return (
    <thead className="border-b border-zinc-200 bg-zinc-50 text-xs font-medium tracking-wide text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
      {children}
    </thead>
  );
}

export function TBody({ children }: { children: ReactNode }) {
  return <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">{children}</tbody>;
}

export function Th({ className, ...props }: ComponentProps<"th">) {
  return <th scope="col" className={cx("px-4 py-2.5 font-medium whitespace-nowrap", className)} {...props} />;
}

export function Td({ className, ...props }: ComponentProps<"td">) {
  return <td className={cx("px-4 py-3 align-middle", className)} {...props} />;
}
