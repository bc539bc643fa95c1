import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { ApplicationNav } from "@/components/applications/application-nav";
import { getApplicationBySlug } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";

export default async function ApplicationLayout({ children, params }: { children: ReactNode; params: Promise<{ appSlug: string }> }) {
  const session = await requireSession();
  const { appSlug } = await params;
  // Scoped to the current team: another team's application is a plain 404.
  const application = await getApplicationBySlug(session.team.id, appSlug);
  if (!application) notFound();

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb">
        <ol className="flex min-w-0 items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
          <li className="shrink-0">
            <Link href="/apps" className="rounded hover:text-zinc-900 dark:hover:text-zinc-100">
              All applications
            </Link>
          </li>
          <li aria-hidden="true">/</li>
          <li className="truncate font-medium text-zinc-900 dark:text-zinc-100">{application.name}</li>
        </ol>
      </nav>
      <ApplicationNav slug={application.slug} />
      <div className="min-w-0">{children}</div>
    </div>
  );
}
