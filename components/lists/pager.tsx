import Link from "next/link";
import type { PageInfo } from "@/lib/lists/search-params";

/** "Showing 26–50 of 300" with previous and next links (hrefs built by the page with listHref). */
export function Pager({ info, noun, hrefFor }: { info: PageInfo; noun: string; hrefFor: (page: number) => string }) {
  const linkClass = "rounded-md px-3 py-1.5 font-medium text-indigo-700 ring-1 ring-zinc-300 hover:bg-zinc-50 dark:text-indigo-300 dark:ring-zinc-700 dark:hover:bg-zinc-800";
  const disabledClass = "rounded-md px-3 py-1.5 text-zinc-500 ring-1 ring-zinc-200 dark:text-zinc-400 dark:ring-zinc-800";
  return (
    <nav aria-label={`Pages of ${noun}`} className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-4 py-3 text-sm dark:border-zinc-800">
      <p className="text-zinc-600 dark:text-zinc-400" data-testid="pager-summary">
        {info.total === 0 ? `No ${noun}` : `Showing ${info.from}–${info.to} of ${info.total} ${noun}`}
        {info.pageCount > 1 && ` · page ${info.page} of ${info.pageCount}`}
      </p>
      {info.pageCount > 1 && (
        <div className="flex gap-2">
          {info.page > 1 ? (
            <Link href={hrefFor(info.page - 1)} className={linkClass} rel="prev">
              Previous<span className="sr-only"> page</span>
            </Link>
          ) : (
            <span className={disabledClass} aria-disabled="true">
              Previous<span className="sr-only"> page</span>
            </span>
          )}
          {info.page < info.pageCount ? (
            <Link href={hrefFor(info.page + 1)} className={linkClass} rel="next">
              Next<span className="sr-only"> page</span>
            </Link>
          ) : (
            <span className={disabledClass} aria-disabled="true">
              Next<span className="sr-only"> page</span>
            </span>
          )}
        </div>
      )}
    </nav>
  );
}
