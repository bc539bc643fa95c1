import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";

export interface FilterSelect {
  name: string;
  label: string;
  value: string;
  /** For a filter, the first option is "any" (value ""). */
  options: { value: string; label: string }[];
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
}

/**
 * A list's search and filters as a plain GET form: the URL is the state, so
 * it works before hydration, with the back button and as a shared link.
 */
export function ListFilters({ label, search, selects, keep = {}, clearHref, children, childValues = [] }: ListFiltersProps) {
  const id = label.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  // The controls are uncontrolled (defaultValue): a client-side navigation to
  // other filters (Clear filters, a link) must remount them to show the new values.
  const state = JSON.stringify([search?.value, selects.map((select) => select.value), keep, childValues]);
  return (
    <form key={state} role="search" aria-label={label} action="" className="flex flex-wrap items-end gap-3">
      {search && (
        <div className="flex min-w-48 flex-1 flex-col gap-1 sm:max-w-xs">
          <label htmlFor={`${id}-q`} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
            {search.label}
          </label>
          <Input id={`${id}-q`} name="q" type="search" defaultValue={search.value} placeholder={search.placeholder} compact />
        </div>
      )}
      {selects.map((select) => (
        <div key={select.name} className="flex flex-col gap-1">
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
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary" size="sm" className="h-9">
          Apply
        </Button>
        {clearHref && (
          <Link href={clearHref} className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
            Clear filters
          </Link>
        )}
      </div>
    </form>
  );
}
