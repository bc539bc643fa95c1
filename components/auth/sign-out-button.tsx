"use client";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { Button, type ButtonSize, type ButtonVariant } from "@/components/ui/button";

/** Ends the session and goes to `callbackUrl` (the sign-in page by default). */
export function SignOutButton({ callbackUrl = "/sign-in", variant = "secondary", size, className }: { callbackUrl?: string; variant?: ButtonVariant; size?: ButtonSize; className?: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant={variant}
      size={size}
      className={className}
      pending={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl });
      }}
    >
      Sign out
    </Button>
  );
}
