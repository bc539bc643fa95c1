"use client";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { toast } from "sonner";
import { callAction } from "@/components/forms/action-result";
import { Button } from "@/components/ui/button";
import { refreshThumbprintAction } from "@/lib/oidc/actions";

export function RefreshThumbprintButton() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <Button
      variant="secondary"
      size="sm"
      pending={pending}
      onClick={() =>
        startTransition(async () => {
          const result = await callAction(refreshThumbprintAction, {});
          if (result.ok) {
            toast.success(result.data.message);
            router.refresh();
          } else toast.error(result.error.message);
        })
      }
    >
      Recompute thumbprint
    </Button>
  );
}
