"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { callAction } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { Button } from "@/components/ui/button";
import { setEmailPreferencesAction } from "@/lib/notifications/actions";
import { EVENT_TYPE_INFO, type NotificationEventType } from "@/lib/notifications/event-types";

/** One checkbox per event type: email me about it. */
export function EmailPreferencesForm({ preferences }: { preferences: { eventType: NotificationEventType; email: boolean; isDefault: boolean }[] }) {
  const router = useRouter();
  const [choices, setChoices] = useState(() => Object.fromEntries(preferences.map((p) => [p.eventType, p.email])) as Record<string, boolean>);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>();
  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={async (event) => {
        event.preventDefault();
        setPending(true);
        const result = await callAction(setEmailPreferencesAction, choices);
        setPending(false);
        if (!result.ok) return setError(result.error.message);
        setError(undefined);
        toast.success("Email preferences saved");
        router.refresh();
      }}
    >
      <FormError message={error} />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Email me when</legend>
        {preferences.map(({ eventType, isDefault }) => (
          <label key={eventType} className="flex items-start gap-2 text-sm">
            <input type="checkbox" className="mt-1 accent-indigo-600" checked={choices[eventType] ?? false} onChange={(e) => setChoices({ ...choices, [eventType]: e.target.checked })} />
            <span>
              {EVENT_TYPE_INFO[eventType].label} <code className="font-mono text-xs text-zinc-500">{eventType}</code>
              <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                {EVENT_TYPE_INFO[eventType].description}
                {isDefault ? " (your role's default)" : ""}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <Button type="submit" pending={pending}>
        Save preferences
      </Button>
    </form>
  );
}
