import { requireActionSession, actorOf } from "@/lib/auth/permissions";
import { errorCodeToHttpStatus } from "@/lib/http/error-codes";
import { failureOf } from "@/lib/http/result";
import { readJsonBody } from "@/lib/http/json-body";
import { isSameOriginRequest } from "@/lib/http/same-origin";
import { ZRegistryTestInput } from "@/lib/registry-test/schema";
import { prepareRegistryTest, RateLimitedError } from "@/lib/registry-test/service";
import type { RegistryTestEvent } from "@/lib/registry-test/steps";

export const dynamic = "force-dynamic";

// The one input is an image reference of at most 400 characters.
const MAX_BODY_BYTES = 4096;

/**
 * Runs the registry's Test and streams its steps as newline-delimited JSON
 * (RegistryTestEvent), ending with the verdict. Refusals before the test
 * starts are a plain JSON ActionResult with their HTTP status.
 */
export async function POST(request: Request, { params }: { params: Promise<{ registryId: string }> }) {
  if (!isSameOriginRequest(request) || !request.headers.get("content-type")?.startsWith("application/json")) {
    return Response.json({ ok: false, error: { code: "forbidden", message: "Cross-site requests are refused." } }, { status: 403 });
  }
  const { registryId } = await params;
  let prepared;
  try {
    const session = await requireActionSession("MEMBER", "test registries");
    const body = await readJsonBody(request, MAX_BODY_BYTES);
    if (!body.ok) return Response.json({ ok: false, error: { code: body.status === 413 ? "too_large" : "invalid_input", message: body.message } }, { status: body.status });
    const parsed = ZRegistryTestInput.safeParse(body.value);
    if (!parsed.success) {
      return Response.json({ ok: false, error: { code: "invalid_input", message: "Some fields need attention.", fieldErrors: { image: parsed.error.issues[0]?.message ?? "Invalid image." } } }, { status: 400 });
    }
    prepared = await prepareRegistryTest(session.team, actorOf(session), registryId, parsed.data);
  } catch (error) {
    const failure = failureOf("registry test", error);
    const code = failure.ok ? "internal" : failure.error.code;
    const headers: HeadersInit = error instanceof RateLimitedError ? { "retry-after": String(error.retryAfterSeconds) } : {};
    return Response.json(failure, { status: errorCodeToHttpStatus(code), headers });
  }

  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      // A closed tab stops the stream, not the test: its result is still recorded.
      const send = (event: RegistryTestEvent) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
        } catch {
          open = false;
        }
      };
      try {
        const { result } = await prepared.run((step) => send({ type: "step", step }));
        send({ type: "result", result });
      } catch (error) {
        const failure = failureOf("registry test", error);
        send({ type: "error", message: failure.ok ? "The test stopped unexpectedly." : failure.error.message });
      } finally {
        if (open) controller.close();
      }
    },
  });
  return new Response(stream, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" } });
}
