import Link from "next/link";

/** The product name with its mark; links home. `compact` shows only the mark on narrow screens. */
export function ProductMark({ href = "/", compact = false }: { href?: string; compact?: boolean }) {
  return (
    <Link href={href} className="inline-flex shrink-0 items-center gap-2 rounded-md font-semibold tracking-tight">
      <svg aria-hidden="true" viewBox="0 0 24 24" className="size-6 text-indigo-600 dark:text-indigo-400" fill="none" stroke="currentColor" strokeWidth="1.75">
        <path d="M12 2.75 20 7.25v9.5L12 21.25 4 16.75v-9.5L12 2.75Z" strokeLinejoin="round" />
        <path d="M4 7.25 12 12l8-4.75M12 12v9.25" strokeLinejoin="round" />
      </svg>
      <span className={compact ? "sr-only sm:not-sr-only" : undefined}>Registry Portal</span>
    </Link>
  );
}
