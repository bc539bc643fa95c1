"use client";
import { ErrorPanel } from "@/components/layout/error-panel";

// Keeps the portal's navigation around a failed page.
export default function PortalErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorPanel error={error} retry={retry} />;
}
