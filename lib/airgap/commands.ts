// The commands that fetch a prepared air-gap archive and load it on the far
// side of the air gap, as the customer's page, the vendor's page and the REST
// API show them. Pure. The tests run these very commands (ctr against a real
// containerd, skopeo against a second registry), so what is shown is what works.

export const ARCHIVE_FILE = "bundle.tar";

/** `ctr images import` into the namespace Kubernetes (the CRI) reads; every platform the archive holds. */
export const CTR_IMPORT_ARGS = ["-n", "k8s.io", "images", "import", "--all-platforms", ARCHIVE_FILE] as const;

export interface AirGapCommands {
  /** Downloads the archive; -C - resumes an interrupted download. */
  download: string;
  /** One skopeo copy per image into the customer's own registry. */
  skopeo: string[];
  /** Imports every image into containerd (Kubernetes' namespace). */
  containerd: string;
}

export function ctrImportCommand(): string {
  return ["ctr", ...CTR_IMPORT_ARGS].join(" ");
}

/** `skopeo copy` of one image of the archive (by its ref.name) into the customer's own registry. */
export function skopeoCopyCommand(ref: string): string {
  return `skopeo copy --all oci-archive:${ARCHIVE_FILE}:${ref} docker://<your registry>/${ref.split("/").slice(-2).join("/")}`;
}

export function airGapCommands(url: string, refs: string[]): AirGapCommands {
  return {
    download: `curl -fL -C - -o ${ARCHIVE_FILE} '${url}'`,
    skopeo: refs.map(skopeoCopyCommand),
    containerd: ctrImportCommand(),
  };
}
