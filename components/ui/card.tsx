import type { ReactNode } from "react";
import { cx } from "@/components/ui/cx";

export interface CardProps {
  /** Optional heading (an <h2>) that also names the section for screen readers. */
  title?: ReactNode;
  description?: ReactNode;
  /** Controls shown at the right of the heading, e.g. a button. */
  actions?: ReactNode;
  /** Remove the body padding, for tables that run edge to edge. */
  flush?: boolean;
  className?: string;
  /** An anchor to link to the card (scroll-margin keeps it clear of the sticky header). */
  id?: string;
  children?: ReactNode;
}

/** A bordered surface grouping related content. */
export function Card({ title, description, actions, flush, className, id, children }: CardProps) {
  const hasHeader = title || description || actions;
  return (
    <section id={id} className={cx("scroll-mt-20 overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900", className)}>
      {hasHeader && (
        <div className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 px-4 py-3 sm:px-5 dark:border-zinc-800">
          <div className="min-w-0 space-y-0.5">
            {title && <h2 className="text-base font-semibold">{title}</h2>}
            {description && <p className="text-sm text-zinc-600 dark:text-zinc-400">{description}</p>}
          </div>
          {actions && <div className="flex shrink-0 items-center gap-2">{actions}</div>}
        </div>
      )}
      {children !== undefined && <div className={cx(!flush && "p-4 sm:p-5")}>{children}</div>}
    </section>
  );
}
