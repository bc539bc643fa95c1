import { Button, ButtonLink } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { PULL_ACTION_LABEL, PULL_ACTIONS, PULL_STATUS_FILTERS, PULL_STATUS_LABEL, type PullActivityFilters } from "@/lib/pull-activity/schema";

const LABEL = "block text-xs font-medium text-zinc-600 dark:text-zinc-400";

/** A plain GET form: the filters live in the URL, so a filtered view can be shared and exported. */
export function PullActivityFiltersForm({ filters, customers, resetHref }: { filters: PullActivityFilters; customers: { id: string; name: string }[]; resetHref: string }) {
  return (
    <form role="search" aria-label="Filter pull activity" action="" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      <div className="space-y-1">
        <label htmlFor="filter-customer" className={LABEL}>
          Customer
        </label>
        <Select id="filter-customer" name="customer" defaultValue={filters.customer ?? ""} compact>
          <option value="">All customers</option>
          {customers.map((customer) => (
            <option key={customer.id} value={customer.id}>
              {customer.name}
            </option>
          ))}
        </Select>
      </div>
      <div className="space-y-1">
        <label htmlFor="filter-image" className={LABEL}>
          Image
        </label>
        <Input id="filter-image" name="image" defaultValue={filters.image ?? ""} placeholder="e.g. vendor/api" compact />
      </div>
      <div className="space-y-1">
        <label htmlFor="filter-status" className={LABEL}>
          Status
        </label>
        <Select id="filter-status" name="status" defaultValue={filters.status ?? ""} compact>
          <option value="">Any status</option>
          {PULL_STATUS_FILTERS.map((status) => (
            <option key={status} value={status}>
              {PULL_STATUS_LABEL[status]}
            </option>
          ))}
        </Select>
      </div>
      <div className="space-y-1">
        <label htmlFor="filter-action" className={LABEL}>
          Request
        </label>
        <Select id="filter-action" name="action" defaultValue={filters.action ?? ""} compact>
          <option value="">Any request</option>
          {PULL_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {PULL_ACTION_LABEL[action]}
            </option>
          ))}
        </Select>
      </div>
      <div className="space-y-1">
        <label htmlFor="filter-from" className={LABEL}>
          From (UTC)
        </label>
        <Input id="filter-from" name="from" type="date" defaultValue={filters.from ?? ""} compact />
      </div>
      <div className="space-y-1">
        <label htmlFor="filter-to" className={LABEL}>
          To (UTC)
        </label>
        <Input id="filter-to" name="to" type="date" defaultValue={filters.to ?? ""} compact />
      </div>
      <div className="flex gap-2 sm:col-span-2 lg:col-span-3">
        <Button type="submit" variant="secondary" size="sm">
          Apply filters
        </Button>
        <ButtonLink href={resetHref} variant="ghost" size="sm">
          Clear
        </ButtonLink>
      </div>
    </form>
  );
}
