// The commands the pages show for loading an archive on the far side of the
// air gap; the tests run these very commands (ctr against a real containerd,
// skopeo against a second registry), so what the page shows is what works.

export const ARCHIVE_FILE = "bundle.tar";

/** `ctr images import` into the namespace Kubernetes (the CRI) reads; every platform the archive holds. */
export const CTR_IMPORT_ARGS = ["-n", "k8s.io", "images", "import", "--all-platforms", ARCHIVE_FILE] as const;

export function ctrImportCommand(): string {
  return ["ctr", ...CTR_IMPORT_ARGS].join(" ");
}

/** `skopeo copy` of one image of the archive (by its ref.name) into the customer's own registry. */
export function skopeoCopyCommand(ref: string): string {
  return `skopeo copy --all oci-archive:${ARCHIVE_FILE}:${ref} docker://<your registry>/${ref.split("/").slice(-2).join("/")}`;
}
