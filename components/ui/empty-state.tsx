import type { ReactNode } from "react";
import { cx } from "@/components/ui/cx";

export interface EmptyStateProps {
  title: ReactNode;
  description?: ReactNode;
  /** A call to action, e.g. a ButtonLink. */
  action?: ReactNode;
  className?: string;
}

/** What a list shows when it has nothing in it yet. */
export function EmptyState({ title, description, action, className }: EmptyStateProps) {
  return (
    <div className={cx("rounded-lg border border-dashed border-zinc-300 px-6 py-10 text-center dark:border-zinc-700", className)}>
      <p className="text-base font-semibold">{title}</p>
      {description && <p className="mx-auto mt-1 max-w-prose text-sm text-zinc-600 dark:text-zinc-400">{description}</p>}
      {action && <div className="mt-4 flex justify-center">{action}</div>}
    </div>
  );
}
