import type { Metadata } from "next";
import { CenteredShell } from "@/components/layout/centered-shell";
import { ButtonLink } from "@/components/ui/button";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <CenteredShell>
      <div className="text-center">
        <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">404</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">Page not found</h1>
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">The address may be mistyped, or the page was moved or deleted.</p>
        <div className="mt-6 flex justify-center">
          <ButtonLink href="/" variant="primary">
            Go to the portal
          </ButtonLink>
        </div>
      </div>
    </CenteredShell>
  );
}
