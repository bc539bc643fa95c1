// The commands that fetch a prepared air-gap archive and load it on the far
// side of the air gap, as the customer's page, the vendor's page and the REST
// API show them. Pure.
export interface AirGapCommands {
  /** Downloads the archive; -C - resumes an interrupted download. */
  download: string;
  /** One skopeo copy per image into the customer's own registry. */
  skopeo: string[];
  /** Imports every image into containerd (Kubernetes' namespace). */
  containerd: string;
}

export function airGapCommands(url: string, refs: string[]): AirGapCommands {
  return {
    download: `curl -fL -C - -o bundle.tar '${url}'`,
    skopeo: refs.map((ref) => `skopeo copy --all oci-archive:bundle.tar:${ref} docker://<your registry>/${ref.split("/").slice(-2).join("/")}`),
    containerd: "ctr -n k8s.io images import bundle.tar",
  };
}
