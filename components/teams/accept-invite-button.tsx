"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { callAction } from "@/components/forms/action-result";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { acceptInviteAction } from "@/lib/teams/actions";

/** Accepts the invite for the signed-in user and opens the team's applications. */
export function AcceptInviteButton({ token, teamName }: { token: string; teamName: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function accept() {
    setPending(true);
    setError(null);
    const result = await callAction(acceptInviteAction, { token });
    if (!result.ok) {
      setPending(false);
      setError(result.error.message);
      return;
    }
    toast.success(`You joined ${teamName}`);
    router.push("/apps");
    router.refresh();
  }

  return (
    <div className="space-y-4">
      {error && <Alert tone="error">{error}</Alert>}
      <Button className="w-full" onClick={accept} pending={pending}>
        Join team
      </Button>
    </div>
  );
}
