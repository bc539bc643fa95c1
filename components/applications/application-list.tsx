import Link from "next/link";
import { LocalTime } from "@/components/ui/local-time";

export interface ApplicationSummary {
  id: string;
  name: string;
  slug: string;
  createdAt: Date;
}

/** The team's applications as cards that link to each one. */
export function ApplicationList({ applications }: { applications: ApplicationSummary[] }) {
  return (
    <ul aria-label="Applications" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      {applications.map((application) => (
        <li
          key={application.id}
          className="relative rounded-lg border border-zinc-200 bg-white p-4 shadow-sm transition-colors focus-within:border-indigo-400 hover:border-indigo-400 dark:border-zinc-800 dark:bg-zinc-900 dark:hover:border-indigo-500"
        >
          <h2 className="truncate text-base font-semibold">
            {/* The link covers the card, so the whole card is one click target. */}
            <Link href={`/apps/${application.slug}`} className="after:absolute after:inset-0 after:rounded-lg">
              {application.name}
            </Link>
          </h2>
          <p className="mt-1 truncate font-mono text-xs text-zinc-500 dark:text-zinc-400">{application.slug}</p>
          <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">
            Created <LocalTime value={application.createdAt.toISOString()} format="date" />
          </p>
        </li>
      ))}
    </ul>
  );
}
