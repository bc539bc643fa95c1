import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Toaster } from "sonner";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Registry Portal", template: "%s · Registry Portal" },
  description: "Connect your private container registries to your applications.",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#fafafa" },
    { media: "(prefers-color-scheme: dark)", color: "#09090b" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request: its scripts carry the request's CSP nonce (proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body>
        {children}
        {/* Bottom right: the user menu lives top right and must stay reachable. */}
        {/* One toast at a time: a stack of them would cover the page (a Test result) they are about. */}
        <Toaster theme="system" richColors closeButton position="bottom-right" visibleToasts={1} />
      </body>
    </html>
  );
}
