import "server-only";
// Reads an API request's JSON body with a size limit: a declared length over
// the limit is refused before reading, and a streamed body is cut off as soon
// as it passes the limit, so no request can make the portal buffer more.
import { UserFacingError } from "@/lib/http/result";

export const MAX_API_BODY_BYTES = 64 * 1024;

const TOO_LARGE = () => new UserFacingError("payload_too_large", `The request body is larger than ${MAX_API_BODY_BYTES / 1024} KiB, the most the API accepts.`);

export async function readJsonBody(request: Request, maxBytes = MAX_API_BODY_BYTES): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new UserFacingError("unsupported_media_type", "Send the request body as JSON with the header Content-Type: application/json.");
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
