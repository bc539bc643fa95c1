// The state and settings every part of the local AWS's server reads: its own
// module so that the parts and the server that wires them import no cycle.
import type { LocalAwsState } from "./state";
import type { BlobUpload } from "./registry-push";

/** "unavailable": the registry endpoint answers 503 to everything until set back to null. */
export type RegistryFault = "unavailable" | null;

export interface ServerContext {
  state: LocalAwsState;
  baseUrl: string;
  /**
   * Where blobs are downloaded from, given the Host the client used: the same
   * server under another host name, because layer storage is another origin
   * in AWS (S3) and clients drop the registry's Authorization header only on
   * a redirect to another host.
   */
  layerStorageUrl: (clientHost: string | undefined) => string;
  now: () => number;
  layerUrlSecret: Buffer;
  /** Blob uploads in progress on the registry endpoint, by upload ID (not saved). */
  uploads: Map<string, BlobUpload>;
  registryFault: RegistryFault;
}
