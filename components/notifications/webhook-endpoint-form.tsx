"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { callAction, showActionError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { SecretOnce } from "@/components/notifications/secret-once";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { createWebhookEndpointAction, updateWebhookEndpointAction } from "@/lib/notifications/actions";
import { EVENT_TYPE_INFO, SUBSCRIBABLE_EVENT_TYPES } from "@/lib/notifications/event-types";
import { ZWebhookEndpointInput } from "@/lib/notifications/webhook-schema";

type FormValues = z.input<typeof ZWebhookEndpointInput>;

export interface WebhookEndpointFormProps {
  /** Editing this endpoint; creating when absent. */
  endpoint?: { id: string; url: string; description: string; eventTypes: string[]; enabled: boolean };
}

/** Creates an endpoint (then shows its secret once) or edits one. */
export function WebhookEndpointForm({ endpoint }: WebhookEndpointFormProps) {
  const router = useRouter();
  const [secret, setSecret] = useState<{ value: string; endpointId: string } | null>(null);
  const defaults: FormValues = endpoint
    ? { url: endpoint.url, description: endpoint.description, eventTypes: endpoint.eventTypes, enabled: endpoint.enabled }
    : { url: "", description: "", eventTypes: ["registry.failing", "registry.recovered", "registry.unsafe", "registry.stale"], enabled: true };
  const form = useForm<FormValues>({ resolver: zodResolver(ZWebhookEndpointInput), defaultValues: defaults });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: FormValues) {
    if (endpoint) {
      const result = await callAction(updateWebhookEndpointAction, { ...values, endpointId: endpoint.id });
      if (!result.ok) return showActionError(form, result.error, ["url", "description", "eventTypes", "enabled"]);
      toast.success("Endpoint saved");
      router.refresh();
      return;
    }
    setSecret(null);
    const result = await callAction(createWebhookEndpointAction, values);
    if (!result.ok) return showActionError(form, result.error, ["url", "description", "eventTypes"]);
    setSecret({ value: result.data.secret, endpointId: result.data.endpointId });
    form.reset(defaults);
    toast.success("Endpoint added");
    router.refresh();
  }

  return (
    <div className="space-y-5">
      {secret && (
        <div className="space-y-2">
          <SecretOnce secret={secret.value} />
          <a href={`/team/webhooks/${secret.endpointId}`} className="text-sm font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
            Open the endpoint to send a test event
          </a>
        </div>
      )}
      <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-4">
        <FormError message={errors.root?.server?.message} />
        <TextField label="Endpoint URL" type="url" autoComplete="off" placeholder="https://hooks.example.com/registry-portal" hint="Receives a POST with a JSON body for each event, signed per Standard Webhooks." error={errors.url?.message} {...form.register("url")} />
        <TextField label="Description" autoComplete="off" placeholder="Slack alerts for the platform team" error={errors.description?.message} {...form.register("description")} />
        <Controller
          control={form.control}
          name="eventTypes"
          render={({ field }) => (
            <fieldset aria-describedby={errors.eventTypes ? "event-types-error" : undefined} className="space-y-2">
              <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Events to send</legend>
              <div className="grid gap-2 sm:grid-cols-2">
                {SUBSCRIBABLE_EVENT_TYPES.map((type) => (
                  <label key={type} className="flex items-start gap-2 text-sm">
                    <input
                      type="checkbox"
                      checked={field.value.includes(type)}
                      onChange={(event) => field.onChange(event.target.checked ? [...field.value, type] : field.value.filter((value) => value !== type))}
                      className="mt-1 accent-indigo-600"
                    />
                    <span>
                      <code className="font-mono text-xs">{type}</code>
                      <span className="block text-xs text-zinc-500 dark:text-zinc-400">{EVENT_TYPE_INFO[type].description}</span>
                    </span>
                  </label>
                ))}
              </div>
              {errors.eventTypes?.message && (
                <p id="event-types-error" className="text-sm text-red-600 dark:text-red-400">
                  {errors.eventTypes.message}
                </p>
              )}
            </fieldset>
          )}
        />
        {endpoint && (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="accent-indigo-600" {...form.register("enabled")} />
            Enabled: send events to this endpoint
          </label>
        )}
        <Button type="submit" pending={isSubmitting}>
          {endpoint ? "Save endpoint" : "Add endpoint"}
        </Button>
      </form>
    </div>
  );
}
