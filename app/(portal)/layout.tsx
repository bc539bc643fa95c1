import type { ReactNode } from "react";
import { PortalNav, type NavItem } from "@/components/layout/portal-nav";
import { ProductMark } from "@/components/layout/product-mark";
import { TeamSwitcher } from "@/components/layout/team-switcher";
import { UserMenu } from "@/components/layout/user-menu";
import { isPortalOperator } from "@/lib/auth/operators";
import { requireSession } from "@/lib/auth/session";
import { ROLE_LABEL, roleAtLeast } from "@/lib/teams/roles";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const session = await requireSession();
  const nav: NavItem[] = [
    { href: "/apps", label: "Applications" },
    { href: "/team/members", label: "Members" },
    { href: "/team/audit", label: "Audit log" },
    { href: "/team/webhooks", label: "Webhooks" },
    { href: "/team/notifications", label: "Notifications" },
    ...(roleAtLeast(session.role, "ADMIN")
      ? [
          { href: "/team/identity-provider", label: "Identity provider" },
          { href: "/team/api-tokens", label: "API tokens" },
        ]
      : []),
    { href: "/api-reference", label: "API reference" },
    ...(isPortalOperator(session.user.email) ? [{ href: "/operator", label: "Operator" }] : []),
  ];

  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2 dark:bg-zinc-900"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/90">
        <div className="flex h-14 items-center gap-3 px-4 sm:px-6">
          <ProductMark href="/apps" compact />
          <span aria-hidden="true" className="text-zinc-300 dark:text-zinc-700">
            /
          </span>
          <TeamSwitcher
            key={session.team.id}
            currentTeamId={session.team.id}
            teams={session.memberships.map(({ teamId, teamName }) => ({ teamId, teamName }))}
          />
          <div className="ml-auto">
            <UserMenu name={session.user.name} email={session.user.email} roleLabel={ROLE_LABEL[session.role]} teamName={session.team.name} />
          </div>
        </div>
      </header>
      <div className="flex flex-1 flex-col md:flex-row">
        <aside className="border-b border-zinc-200 bg-white md:w-56 md:shrink-0 md:border-r md:border-b-0 dark:border-zinc-800 dark:bg-zinc-900">
          <PortalNav items={nav} />
        </aside>
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 sm:px-6 lg:px-10 lg:py-8">
          <div className="mx-auto max-w-5xl">{children}</div>
        </main>
      </div>
    </div>
  );
}
