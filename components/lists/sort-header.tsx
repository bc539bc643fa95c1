import Link from "next/link";
import { Th } from "@/components/ui/table";

/** A column header that sorts the list by its column; aria-sort says the current order. */
export function SortHeader({ label, active, direction, href, className }: { label: string; active: boolean; direction: "asc" | "desc"; href: string; className?: string }) {
  return (
    <Th aria-sort={active ? (direction === "asc" ? "ascending" : "descending") : "none"} className={className}>
      <Link href={href} className="inline-flex items-center gap-1 hover:text-zinc-900 dark:hover:text-zinc-100">
        {label}
        <span aria-hidden="true">{active ? (direction === "asc" ? "↑" : "↓") : "↕"}</span>
        <span className="sr-only">{active ? `, sorted ${direction === "asc" ? "ascending" : "descending"}; select to reverse` : ", select to sort"}</span>
      </Link>
    </Th>
  );
}
