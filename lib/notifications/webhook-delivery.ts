import "server-only";
// One attempt of a webhook delivery: the Standard Webhooks envelope signed
// with the endpoint's secret(s) (`standardwebhooks`), POSTed through the
// registry client's checked HTTP client (https:// on public addresses,
// checked at connect time; no redirects; the answer read up to 1 KiB), with a
// 10 s deadline. Returns what happened; the worker decides what comes next.
import { Webhook } from "standardwebhooks";
import { log } from "@/lib/log";
import { ATTEMPT_TIMEOUT_MS, parseRetryAfterMs } from "@/lib/notifications/retry-policy";
import { authHttpRequest, UnsafeUrlError } from "@/lib/registry-auth/http";

/** The answer's first bytes kept with the attempt. */
export const RESPONSE_BODY_KEPT_BYTES = 1024;

export interface WebhookMessage {
  /** msg_…: the event's ID, the same on every attempt and resend. */
  id: string;
  body: string;
}

export interface AttemptRecord {
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  error: string | null;
  requestHeaders: Record<string, string>;
  requestBody: string;
  responseBody: string;
  succeeded: boolean;
  retryAfterMs: number | null;
}

/** The webhook-signature header: one v1 signature per secret, space-separated (both during a rotation). */
export function signMessage(secrets: readonly string[], message: WebhookMessage, timestamp: Date): string {
  return secrets.map((secret) => new Webhook(secret).sign(message.id, timestamp, message.body)).join(" ");
}

export async function attemptDelivery(url: string, secrets: readonly string[], message: WebhookMessage, options: { now: Date; trustedOrigins: ReadonlySet<string>; timeoutMs?: number }): Promise<AttemptRecord> {
  // The signed timestamp is the wall clock's (receivers compare it with theirs), not the scheduler's clock.
  const signedAt = new Date();
  const requestHeaders = {
    "content-type": "application/json",
    "user-agent": "RegistryPortal-Webhooks/1",
    "webhook-id": message.id,
    "webhook-timestamp": String(Math.floor(signedAt.getTime() / 1000)),
    "webhook-signature": signMessage(secrets, message, signedAt),
  };
  const started = performance.now();
  const base = { startedAt: options.now, requestHeaders, requestBody: message.body };
  try {
    const response = await authHttpRequest(new URL(url), {
      method: "POST",
      headers: requestHeaders,
      body: message.body,
      signal: AbortSignal.timeout(options.timeoutMs ?? ATTEMPT_TIMEOUT_MS),
      trustedOrigins: options.trustedOrigins,
      maxBodyBytes: RESPONSE_BODY_KEPT_BYTES,
    });
    const succeeded = response.status >= 200 && response.status < 300;
    return {
      ...base,
      durationMs: Math.round(performance.now() - started),
      responseStatus: response.status,
      error: succeeded ? null : `The endpoint answered ${response.status}${isRedirect(response.status) ? " (redirects are not followed: use the final URL)" : ""}.`,
      responseBody: response.body,
      succeeded,
      retryAfterMs: succeeded ? null : parseRetryAfterMs(response.headers["retry-after"], options.now),
    };
  } catch (error) {
    return { ...base, durationMs: Math.round(performance.now() - started), responseStatus: null, error: describeFailure(error, options.timeoutMs ?? ATTEMPT_TIMEOUT_MS), responseBody: "", succeeded: false, retryAfterMs: null };
  }
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof UnsafeUrlError) return `Refused by the portal's outbound rules: ${error.message}.`;
  const e = error as { name?: string; code?: string; message?: string };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `No answer within ${timeoutMs / 1000} s.`;
  if (e.code === "ECONNREFUSED") return "The connection was refused.";
  if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") return "The hostname does not resolve.";
  if (e.code === "ECONNRESET" || e.code === "UND_ERR_SOCKET") return "The connection was closed before an answer.";
  if (typeof e.code === "string" && (e.code.startsWith("ERR_TLS") || e.code.includes("CERT"))) return `TLS failed: ${e.code}.`;
  log.debug({ err: error }, "webhook attempt failed");
  return `The request failed${e.code ? ` (${e.code})` : ""}.`;
}
