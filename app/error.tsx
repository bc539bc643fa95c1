"use client";
import { useEffect } from "react";
import { ErrorPanel } from "@/components/layout/error-panel";

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    // The browser console only; the full error is in the server log under the digest.
    console.error(error);
  }, [error]);
  return (
    <main className="px-4">
      <ErrorPanel error={error} retry={retry} />
    </main>
  );
}
