// The two registry calls of a test, over the OCI distribution API with the
// ECR login token as Basic credentials: the /v2/ ping and a manifest HEAD.
import { UnexpectedAnswerError, type CallFailure } from "@/lib/registry-test/failure";

export const MANIFEST_MEDIA_TYPES = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
];

export class RegistryHttpError extends Error {
  constructor(readonly failure: Extract<CallFailure, { kind: "registry" }>) {
    super(`registry answered ${failure.httpStatus}`);
    this.name = "RegistryHttpError";
  }
}

function basicAuth(password: string): string {
  return `Basic ${Buffer.from(`AWS:${password}`).toString("base64")}`;
}

// An error body is a small JSON document; a registry (or something posing as
// one) that sends more is not read any further.
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

async function readBodyPrefix(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8");
}

async function registryFailure(response: Response): Promise<RegistryHttpError> {
  let code: string | undefined;
  let message: string | undefined;
  try {
    const body = JSON.parse(await readBodyPrefix(response, MAX_ERROR_BODY_BYTES)) as { errors?: { code?: string; message?: string }[] };
    code = body.errors?.[0]?.code;
    message = body.errors?.[0]?.message;
  } catch {
    // A HEAD response or a non-JSON body carries no error detail.
  }
  return new RegistryHttpError({ kind: "registry", httpStatus: response.status, ...(code ? { code } : {}), ...(message ? { message: message.slice(0, 500) } : {}) });
}

/** GET /v2/ with the token; resolves when the registry accepts it (200). */
export async function pingRegistry(baseUrl: string, password: string, signal: AbortSignal): Promise<void> {
  const response = await fetch(`${baseUrl}/v2/`, { headers: { authorization: basicAuth(password) }, redirect: "manual", signal });
  if (response.status !== 200) throw await registryFailure(response);
  await response.body?.cancel();
}

/** HEAD of a manifest by tag or digest; resolves with its digest and media type. */
export async function headManifest(
  baseUrl: string,
  password: string,
  image: { repository: string; reference: string },
  signal: AbortSignal,
): Promise<{ digest: string | null; mediaType: string | null }> {
  const url = `${baseUrl}/v2/${image.repository}/manifests/${encodeURIComponent(image.reference)}`;
  const headers = { authorization: basicAuth(password), accept: MANIFEST_MEDIA_TYPES.join(", ") };
  const response = await fetch(url, { method: "HEAD", headers, redirect: "manual", signal });
  if (response.status !== 200) {
    // A HEAD answer has no body; the same GET carries the registry's error code and message.
    const detail = await fetch(url, { headers, redirect: "manual", signal });
    throw await registryFailure(detail.status === response.status ? detail : response);
  }
  return { digest: response.headers.get("docker-content-digest"), mediaType: response.headers.get("content-type") };
}

/** Decodes ECR's authorizationToken (base64 of "AWS:<password>"). */
export function decodeEcrAuthorizationToken(token: string): string {
  const decoded = Buffer.from(token, "base64").toString("utf8");
  if (!decoded.startsWith("AWS:") || decoded.length <= 4) throw new UnexpectedAnswerError("ECR returned an authorization token that is not AWS:<password>");
  return decoded.slice(4);
}
