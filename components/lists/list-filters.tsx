"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { cx } from "@/components/ui/cx";
import { Input, Select } from "@/components/ui/input";

export interface FilterSelect {
  name: string;
  label: string;
  value: string;
  /** For a filter, the first option is "any" (value ""). */
  options: { value: string; label: string }[];
  /**
   * Only below 768 px, where the list is cards without column headers (the
   * sort order); at larger widths the headers are the only sort control.
   */
  phoneOnly?: boolean;
}

export interface ListFiltersProps {
  /** Names the search landmark and prefixes the controls' IDs. */
  label: string;
  search?: { value: string; placeholder: string; label: string };
  selects: FilterSelect[];
  /** Inputs kept as they are (sort, direction, scope), as hidden fields. */
  keep?: Record<string, string>;
  /** The list with no filters, for "Clear"; shown while a filter is set. */
  clearHref?: string | undefined;
  /** Extra fields (dates), and their current values (so the form shows new ones after a navigation). */
  children?: React.ReactNode;
  childValues?: string[];
  /** Not shown at all: a short list with no filter set needs none (the caller decides). */
  hidden?: boolean;
}

const SEARCH_DEBOUNCE_MS = 300;

/**
 * A list's search and filters. They apply as they change: a choice at once,
 * the search box once typing pauses. The URL is the state (the page's search
 * parameters), so the back button and a shared link show the same list; it
 * is still a plain GET form, so Enter in the search box works before
 * hydration.
 */
export function ListFilters({ label, search, selects, keep = {}, clearHref, children, childValues = [], hidden = false }: ListFiltersProps) {
  const router = useRouter();
  const pathname = usePathname();
  const formRef = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  if (hidden) return null;
  const id = label.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  // The controls are uncontrolled (defaultValue): a client-side navigation to
  // other filters (Clear filters, a link) must remount them to show the new values.
  const state = JSON.stringify([search?.value, selects.map((select) => select.value), keep, childValues]);

  // Every field of the form, empty ones left out; a new filter starts at page 1.
  const apply = () => {
    const form = formRef.current;
    if (!form) return;
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (typeof value === "string" && value !== "") params.set(name, value);
    const query = params.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  return (
    <form
      ref={formRef}
      key={state}
      role="search"
      aria-label={label}
      action=""
      className="flex flex-wrap items-end gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        clearTimeout(timer.current);
        apply();
      }}
      onChange={(event) => {
        clearTimeout(timer.current);
        const target = event.target as unknown as HTMLInputElement;
        if (target.type === "search" || target.type === "text") timer.current = setTimeout(apply, SEARCH_DEBOUNCE_MS);
        else apply();
      }}
    >
      {search && (
        <div className="flex min-w-48 flex-1 flex-col gap-1 sm:max-w-xs">
          <label htmlFor={`${id}-q`} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
            {search.label}
          </label>
          <Input id={`${id}-q`} name="q" type="search" defaultValue={search.value} placeholder={search.placeholder} compact />
        </div>
      )}
      {selects.map((select) => (
        <div key={select.name} className={cx("flex flex-col gap-1", select.phoneOnly && "md:hidden")}>
          <label htmlFor={`${id}-${select.name}`} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
            {select.label}
          </label>
          <Select id={`${id}-${select.name}`} name={select.name} defaultValue={select.value} compact>
            {select.options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        </div>
      ))}
      {children}
      {Object.entries(keep).map(([name, value]) => (value === "" ? null : <input key={name} type="hidden" name={name} value={value} />))}
      {clearHref && (
        <Link href={clearHref} className="flex h-9 items-center text-sm text-indigo-700 underline dark:text-indigo-300">
          Clear filters
        </Link>
      )}
    </form>
  );
}
