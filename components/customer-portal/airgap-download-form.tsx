"use client";
// The customer picks images (each tag pinned to the digest the page showed)
// and optionally a platform; the portal plans the archive and hands back a
// signed link, with the commands that load it on the far side of the air gap.
import { useState } from "react";
import { useForm } from "react-hook-form";
import { callAction, showActionError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { schemaResolver } from "@/components/entitlements/rule-rows";
import { PolicyBlock } from "@/components/registries/policy-block";
import { Button, buttonClassName } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { prepareAirGapDownloadAction, prepareVendorAirGapDownloadAction } from "@/lib/customer-portal/actions";
import { ZAirGapSelection } from "@/lib/airgap/schema";
import type { PreparedDownload } from "@/lib/airgap/service";
import { formatBytes } from "@/lib/pull-activity/format";

type Values = { images: string[]; platform: string };
const toInput = (values: Values) => ({ images: values.images, platform: values.platform || null });

export interface DownloadChoice {
  /** proxy/<app>/<host>/<repository>:<tag>@<digest> */
  value: string;
  label: string;
}

/** On the customer's page; with customerId, on the vendor's page of that customer. */
export function AirGapDownloadForm({ choices, customerId }: { choices: DownloadChoice[]; customerId?: string }) {
  const [prepared, setPrepared] = useState<PreparedDownload | null>(null);
  const form = useForm<Values>({ resolver: schemaResolver<Values>(ZAirGapSelection, toInput), defaultValues: { images: [], platform: "" } });
  async function onSubmit(values: Values) {
    setPrepared(null);
    const result = customerId ? await callAction(prepareVendorAirGapDownloadAction, { customerId, ...toInput(values) }) : await callAction(prepareAirGapDownloadAction, toInput(values));
    if (!result.ok) return showActionError(form, result.error, ["images"]);
    setPrepared(result.data);
  }
  const imagesError = (form.formState.errors.images as { message?: string } | undefined)?.message;
  return (
    <div className="space-y-6">
      <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-4" aria-label="Air-gap download">
        <FormError message={form.formState.errors.root?.server?.message} />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Images</legend>
          {choices.map((choice) => (
            <label key={choice.value} className="flex items-center gap-2 font-mono text-xs break-all">
              <input type="checkbox" value={choice.value} {...form.register("images")} /> {choice.label}
            </label>
          ))}
          {imagesError && <p className="text-sm text-red-600 dark:text-red-400">{imagesError}</p>}
        </fieldset>
        <SelectField label="Platform" hint="For multi-platform images: only this platform, or all of them." fieldClassName="max-w-xs" {...form.register("platform")}>
          <option value="">All platforms</option>
          <option value="linux/amd64">linux/amd64</option>
          <option value="linux/arm64">linux/arm64</option>
        </SelectField>
        <Button type="submit" pending={form.formState.isSubmitting}>
          Prepare download
        </Button>
      </form>
      {prepared && (
        <div className="space-y-4" data-testid="airgap-prepared">
          <p className="text-sm">
            {prepared.refs.length} {prepared.refs.length === 1 ? "image" : "images"}, {formatBytes(prepared.size)}. The link works for 24 hours; an interrupted download resumes.
          </p>
          <a href={prepared.url} download className={buttonClassName()}>
            Download archive
          </a>
          <PolicyBlock title="Download with curl" description="-C - resumes where an interrupted download stopped." text={prepared.commands.download} />
          <PolicyBlock title="Copy into your registry with skopeo" text={prepared.commands.skopeo.join("\n")} />
          <PolicyBlock title="Import into containerd" text={prepared.commands.containerd} />
        </div>
      )}
    </div>
  );
}
