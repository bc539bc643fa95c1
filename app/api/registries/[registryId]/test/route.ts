import { requireActionSession, actorOf } from "@/lib/auth/permissions";
import { errorCodeToHttpStatus } from "@/lib/http/error-codes";
import { failureOf } from "@/lib/http/result";
import { isSameOriginRequest } from "@/lib/http/same-origin";
import { ZRegistryTestInput } from "@/lib/registry-test/schema";
import { prepareRegistryTest, RateLimitedError } from "@/lib/registry-test/service";
import type { RegistryTestEvent } from "@/lib/registry-test/steps";

export const dynamic = "force-dynamic";

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
    const body: unknown = await request.json().catch(() => ({}));
    const parsed = ZRegistryTestInput.safeParse(body);
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
