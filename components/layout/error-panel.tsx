"use client";
import { Button, ButtonLink } from "@/components/ui/button";

/**
 * What an error boundary shows: never the error's message or stack, only
 * the digest Next.js attaches, which matches the entry in the server log.
 */
export function ErrorPanel({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return (
    <div className="mx-auto max-w-md py-12 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        This page could not be shown. Try again; if it keeps happening, contact support{typeof digest === "string" ? " and mention the reference below" : ""}.
      </p>
      {typeof digest === "string" && (
        <p className="mt-4 text-sm">
          Reference: <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">{digest}</code>
        </p>
      )}
      <div className="mt-6 flex justify-center gap-2">
        <Button onClick={retry}>Try again</Button>
        <ButtonLink href="/">Go to the portal</ButtonLink>
      </div>
    </div>
  );
}

