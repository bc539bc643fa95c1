// Reads a request's JSON body with a size limit: a body over the limit is a
// 413, one that is not a JSON object a 400; neither is treated as empty.
export type JsonBody = { ok: true; value: Record<string, unknown> } | { ok: false; status: 400 | 413; message: string };

export async function readJsonBody(request: Request, maxBytes: number): Promise<JsonBody> {
  const tooLarge = { ok: false, status: 413, message: `The request body is larger than ${maxBytes} bytes.` } as const;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return tooLarge;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return tooLarge;
    }
    chunks.push(value);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return { ok: false, status: 400, message: "The request body is not valid JSON." };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return { ok: false, status: 400, message: "The request body must be a JSON object." };
  return { ok: true, value: value as Record<string, unknown> };
}
