"use client";
// The customer picks images (each tag pinned to the digest the page showed)
// and optionally platforms; the portal plans the archive and hands back a
// signed link, with the commands that load it on the far side of the air gap.
import { useState } from "react";
import { useForm } from "react-hook-form";
import { callAction, showActionError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { schemaResolver } from "@/components/entitlements/rule-rows";
import { PolicyBlock } from "@/components/registries/policy-block";
import { Button, buttonClassName } from "@/components/ui/button";
import { ARCHIVE_FILE } from "@/lib/airgap/commands";
import { prepareAirGapDownloadAction, prepareVendorAirGapDownloadAction } from "@/lib/customer-portal/actions";
import { ZAirGapSelection } from "@/lib/airgap/schema";
import type { PreparedDownload } from "@/lib/airgap/service";
import { formatBytes } from "@/lib/pull-activity/format";

type Values = { images: string[]; platforms: string[] };
const toInput = (values: Values) => ({ images: values.images, platforms: values.platforms });
/** The platforms offered; none chosen means every platform an image has. */
const PLATFORM_CHOICES = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/ppc64le", "linux/s390x", "windows/amd64"];

export interface DownloadChoice {
  /** proxy/<app>/<host>/<repository>:<tag>@<digest> */
  value: string;
  label: string;
}

/** On the customer's page; with customerId, on the vendor's page of that customer. */
export function AirGapDownloadForm({ choices, customerId }: { choices: DownloadChoice[]; customerId?: string }) {
  const [prepared, setPrepared] = useState<PreparedDownload | null>(null);
  const form = useForm<Values>({ resolver: schemaResolver<Values>(ZAirGapSelection, toInput), defaultValues: { images: [], platforms: [] } });
  async function onSubmit(values: Values) {
    setPrepared(null);
    const result = customerId ? await callAction(prepareVendorAirGapDownloadAction, { customerId, ...toInput(values) }) : await callAction(prepareAirGapDownloadAction, toInput(values));
    if (!result.ok) return showActionError(form, result.error, ["images", "platforms"]);
    setPrepared(result.data);
  }
  const imagesError = (form.formState.errors.images as { message?: string } | undefined)?.message;
  const platformErrors = form.formState.errors.platforms as ({ message?: string } & ({ message?: string } | undefined)[]) | undefined;
  const platformsError = platformErrors?.message ?? (Array.isArray(platformErrors) ? platformErrors.find((error) => error?.message)?.message : undefined);
  const recut = prepared?.images.filter((image) => image.sourceIndex) ?? [];
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
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Platforms</legend>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            For multi-platform images: keep only these platforms, or choose none for all of them. With one platform the archive holds that platform&apos;s own image; with several (not all), a new index listing only them, whose digest differs from the registry&apos;s.
          </p>
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {PLATFORM_CHOICES.map((platform) => (
              <label key={platform} className="flex items-center gap-2 font-mono text-xs">
                <input type="checkbox" value={platform} {...form.register("platforms")} /> {platform}
              </label>
            ))}
          </div>
          {platformsError && <p className="text-sm text-red-600 dark:text-red-400">{platformsError}</p>}
        </fieldset>
        <Button type="submit" pending={form.formState.isSubmitting}>
          Prepare download
        </Button>
      </form>
      {prepared && (
        <div className="space-y-4" data-testid="airgap-prepared">
          <p className="text-sm">
            {prepared.refs.length} {prepared.refs.length === 1 ? "image" : "images"}, {formatBytes(prepared.size)}. The link works for 24 hours; an interrupted download resumes.
          </p>
          {recut.length > 0 && (
            <ul className="space-y-1 text-sm break-all" data-testid="airgap-platform-digests">
              {recut.map((image) => (
                <li key={image.ref}>
                  <span className="font-mono text-xs">{image.ref}</span>: only the chosen platforms, as <span className="font-mono text-xs">{image.digest}</span> (the registry&apos;s index is <span className="font-mono text-xs">{image.sourceIndex}</span>).
                </li>
              ))}
            </ul>
          )}
          <p className="text-sm break-all" data-testid="airgap-sha256">
            {prepared.sha256 ? (
              <>
                sha256: <span className="font-mono text-xs">{prepared.sha256}</span> (computed on first full download)
              </>
            ) : (
              "sha256: computed after the first full download (prepare the download again afterwards to see it)."
            )}
          </p>
          <a href={prepared.url} download className={buttonClassName()}>
            Download archive
          </a>
          <PolicyBlock title="Download with curl" description="-C - resumes where an interrupted download stopped." text={prepared.commands.download} />
          {prepared.sha256 && <PolicyBlock title="Check the archive" text={`echo '${prepared.sha256}  ${ARCHIVE_FILE}' | sha256sum -c`} />}
          <PolicyBlock title="Copy into your registry with skopeo" text={prepared.commands.skopeo.join("\n")} />
          <PolicyBlock title="Import into containerd" description="Into the namespace Kubernetes reads, keeping every platform the archive holds." text={prepared.commands.containerd} />
        </div>
      )}
    </div>
  );
}
