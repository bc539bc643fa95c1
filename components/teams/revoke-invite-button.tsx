"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { callAction } from "@/components/forms/action-result";
import { Button } from "@/components/ui/button";
import { revokeInviteAction } from "@/lib/teams/actions";

/** Revokes a pending invite at once: its link stops working. */
export function RevokeInviteButton({ inviteId, email }: { inviteId: string; email: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);

  async function revoke() {
    setPending(true);
    const result = await callAction(revokeInviteAction, { inviteId });
    setPending(false);
    if (!result.ok) return void toast.error(result.error.message);
    toast.success(`Invite for ${email} revoked`);
    router.refresh();
  }

  return (
    <Button variant="secondary" size="sm" pending={pending} onClick={revoke}>
      Revoke<span className="sr-only"> invite for {email}</span>
    </Button>
  );
}
