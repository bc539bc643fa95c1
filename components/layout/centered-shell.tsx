import type { ReactNode } from "react";
import { ProductMark } from "@/components/layout/product-mark";

/** The signed-out frame: product name over a narrow centred column. */
export function CenteredShell({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col items-center px-4 py-10 sm:justify-center sm:py-16">
      <div className="mb-8">
        <ProductMark />
      </div>
      <main className="w-full max-w-sm">{children}</main>
    </div>
  );
}
