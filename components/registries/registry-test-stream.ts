// The browser's side of /api/registries/<id>/test, shared by the registry
// page's Test panel and the Test button of each row of the registries list:
// starts the test and reads its NDJSON stream of steps and the verdict.
import type { RegistryTestEvent } from "@/lib/registry-test/steps";

export type RegistryTestStart =
  | { ok: true; body: ReadableStream<Uint8Array> }
  | { ok: false; status: number; message: string; fieldErrors?: Record<string, string> };

/** POSTs the test; a refusal (rate limit, viewer, bad input) comes back with the server's message. */
export async function startRegistryTest(registryId: string, input: { image?: string | undefined }): Promise<RegistryTestStart> {
  const response = await fetch(`/api/registries/${encodeURIComponent(registryId)}/test`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  if (response.ok && response.body) return { ok: true, body: response.body };
  const body = (await response.json().catch(() => null)) as { error?: { message?: string; fieldErrors?: Record<string, string> } } | null;
  return {
    ok: false,
    status: response.status,
    message: body?.error?.message ?? `The test could not start (HTTP ${response.status}).`,
    ...(body?.error?.fieldErrors ? { fieldErrors: body.error.fieldErrors } : {}),
  };
}

/** Calls onEvent for each line of the stream, until it ends. */
export async function readRegistryTestEvents(body: ReadableStream<Uint8Array>, onEvent: (event: RegistryTestEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line) onEvent(JSON.parse(line) as RegistryTestEvent);
    }
  }
}
