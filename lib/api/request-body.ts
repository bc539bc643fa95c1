import "server-only";
// Reads an API request's JSON body with a size limit: a declared length over
// the limit is refused before reading, and a streamed body is cut off as soon
// as it passes the limit, so no request can make the portal buffer more.
import { UserFacingError } from "@/lib/http/result";

export const MAX_API_BODY_BYTES = 64 * 1024;

const TOO_LARGE = () => new UserFacingError("payload_too_large", `The request body is larger than ${MAX_API_BODY_BYTES / 1024} KiB, the most the API accepts.`);

export const JSON_MEDIA_TYPE = "application/json";
/** RFC 7396: the body names the fields to change; null removes (empties) a field. */
export const MERGE_PATCH_MEDIA_TYPE = "application/merge-patch+json";
export type BodyMediaType = typeof JSON_MEDIA_TYPE | typeof MERGE_PATCH_MEDIA_TYPE;

export async function readJsonBody(request: Request, options: { mediaType?: BodyMediaType; maxBytes?: number } = {}): Promise<unknown> {
  const { mediaType = JSON_MEDIA_TYPE, maxBytes = MAX_API_BODY_BYTES } = options;
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== mediaType) {
    throw new UserFacingError(
      "unsupported_media_type",
      mediaType === MERGE_PATCH_MEDIA_TYPE
        ? `PATCH takes a JSON merge patch (RFC 7396): send the fields to change with the header Content-Type: ${MERGE_PATCH_MEDIA_TYPE}${type ? ` (not ${type})` : ""}. To replace every field, use PUT with application/json.`
        : `Send the request body as JSON with the header Content-Type: ${JSON_MEDIA_TYPE}.`,
    );
  }
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw TOO_LARGE();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw TOO_LARGE();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new UserFacingError("invalid_input", "The request body is empty: send a JSON object.");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UserFacingError("invalid_input", "The request body is not valid JSON. Check quoting and commas, e.g. with `jq . body.json`.");
  }
}
