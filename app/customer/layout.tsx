import type { Metadata } from "next";
import type { ReactNode } from "react";

export const metadata: Metadata = { title: "Your images", robots: { index: false } };

/** The customer's own frame: no vendor navigation, nothing of the vendor's portal. */
export default function CustomerLayout({ children }: { children: ReactNode }) {
  return <div className="mx-auto min-h-dvh w-full max-w-5xl px-4 py-8 sm:py-12">{children}</div>;
}
