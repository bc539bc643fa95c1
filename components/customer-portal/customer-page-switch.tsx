"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { callAction } from "@/components/forms/action-result";
import { Button } from "@/components/ui/button";
import { setCustomerPageEnabledAction } from "@/lib/customer-portal/actions";
import type { TCustomerPageSettingInput } from "@/lib/customer-portal/schema";

/** The vendor's switch for the application's customer page. */
export function CustomerPageSwitch({ applicationId, enabled, pageUrl, canEdit }: { applicationId: string; enabled: boolean; pageUrl: string; canEdit: boolean }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 text-sm">
      <p>
        {enabled ? (
          <>
            On: customers sign in at <span className="font-mono">{pageUrl}</span> with their license ID.
          </>
        ) : (
          "Off: customers cannot sign in to their page; pulls are not affected."
        )}
      </p>
      {canEdit && (
        <Button
          type="button"
          variant="secondary"
          size="sm"
          pending={pending}
          onClick={async () => {
            setPending(true);
            const input: TCustomerPageSettingInput = { applicationId, enabled: !enabled };
            const result = await callAction(setCustomerPageEnabledAction, input);
            setPending(false);
            if (!result.ok) return void toast.error(result.error.message);
            toast.success(enabled ? "Switched the customer page off" : "Switched the customer page on");
            router.refresh();
          }}
        >
          {enabled ? "Switch off" : "Switch on"}
        </Button>
      )}
    </div>
  );
}
