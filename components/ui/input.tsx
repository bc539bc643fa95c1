import type { ComponentProps } from "react";
import { cx } from "@/components/ui/cx";

// Bare controls. Prefer TextField / SelectField / TextAreaField from
// field.tsx, which add the label, hint and error wiring.

const CONTROL =
  "block w-full rounded-md border bg-white px-3 text-sm text-zinc-900 shadow-sm placeholder:text-zinc-400 " +
  "disabled:cursor-not-allowed disabled:bg-zinc-100 disabled:text-zinc-500 read-only:bg-zinc-50 read-only:text-zinc-600 " +
  "dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500 dark:disabled:bg-zinc-800 dark:read-only:bg-zinc-800/60 dark:read-only:text-zinc-300 " +
  "border-zinc-300 dark:border-zinc-700 aria-invalid:border-red-500 dark:aria-invalid:border-red-400";

/** `compact` makes the control 36px tall instead of 40px, for headers and table rows. */
export function Input({ compact, className, ...props }: ComponentProps<"input"> & { compact?: boolean }) {
  return <input className={cx(CONTROL, compact ? "h-9" : "h-10", className)} {...props} />;
}

export function Select({ compact, className, ...props }: ComponentProps<"select"> & { compact?: boolean }) {
  return <select className={cx(CONTROL, compact ? "h-9" : "h-10", "pr-8", className)} {...props} />;
}

export function Textarea({ className, ...props }: ComponentProps<"textarea">) {
  return <textarea className={cx(CONTROL, "min-h-24 py-2", className)} {...props} />;
}
