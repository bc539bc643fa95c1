"use client";
import { ErrorPanel } from "@/components/layout/error-panel";
import "./globals.css";

// Replaces the root layout when the layout itself fails.
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body>
        <title>Something went wrong · Registry Portal</title>
        <main className="px-4">
          <ErrorPanel error={error} retry={retry} />
        </main>
      </body>
    </html>
  );
}
