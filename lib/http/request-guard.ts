// Requests that Next.js would answer with a 500 are refused before it sees
// them, with the portal's error envelope (lib/http/error-codes.ts). The
// production server (scripts/portal-server.ts) calls this for every request
// it hands to Next.js:
//   - a path whose percent-encoding is broken (%FF, %E0%A4) or decodes to a
//     NUL character: 400. Next.js throws on the first while routing; the
//     second would reach the database as an ID or slug PostgreSQL refuses.
//     The query string is left to the schemas that read it (Next.js parses it
//     leniently, and a page shows its list without a bad filter);
//   - a POST to a page (a server action) from another site's Origin, or with
//     an Origin that is no URL: 403. Next.js refuses those too, but as a 500;
//   - a POST to a page with a body larger than Next.js's server-action limit:
//     413, decided from Content-Length before reading a byte; one without a
//     Content-Length (chunked): 400, since its size could only be learnt by
//     reading it (browsers always send the length).
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorCodeToHttpStatus, type ErrorCode } from "@/lib/http/error-codes";

/** Next.js's default server-action body limit (serverActions.bodySizeLimit, 1 MB), which the portal keeps. */
export const SERVER_ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

/** How much of a refused request's body is read and dropped so the answer arrives before the connection closes. */
const REFUSED_BODY_DRAIN_BYTES = 8 * 1024 * 1024;

export interface RequestRefusal {
  code: ErrorCode;
  message: string;
}

/** Why the request must not reach Next.js, or null when it may. Pure. */
export function refusalOf(request: Pick<IncomingMessage, "method" | "url" | "headers">): RequestRefusal | null {
  const pathname = (request.url ?? "/").split("?")[0]!;
  const pathProblem = percentEncodingProblem(pathname);
  if (pathProblem) return { code: "invalid_input", message: pathProblem };
  if (request.method === "POST" && !isApiPath(pathname)) return pagePostRefusal(request.headers);
  return null;
}

function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

function percentEncodingProblem(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return "The address is not valid percent-encoded UTF-8 (e.g. %FF or a cut-off %E2%82). Encode each character as UTF-8, e.g. with encodeURIComponent.";
  }
  return decoded.includes("\u0000") ? "The address contains a NUL character (%00), which no page or ID holds." : null;
}

/**
 * Next.js compares the Origin's host with X-Forwarded-Host, or Host when that
 * is absent (whatever TRUST_PROXY says), so the check here is the same one: a
 * request it lets through is let through here.
 */
function pagePostRefusal(headers: IncomingMessage["headers"]): RequestRefusal | null {
  const origin = headers.origin;
  if (origin !== undefined) {
    let originHost: string | null;
    try {
      originHost = origin === "null" ? null : new URL(origin).host;
    } catch {
      originHost = null;
    }
    const forwarded = headers["x-forwarded-host"];
    const forwardedHost = (Array.isArray(forwarded) ? forwarded[0] : forwarded?.split(",")[0])?.trim();
    const host = forwardedHost || headers.host;
    if (!originHost || originHost !== host) {
      return { code: "forbidden", message: "This form was sent from another site (its Origin is not this portal's), so it was refused. Open the portal's own page and submit it there." };
    }
  }
  const declared = headers["content-length"];
  if (declared === undefined) {
    return headers["transfer-encoding"] ? { code: "invalid_input", message: "Send the form with a Content-Length header; a body of unknown size (chunked) is not accepted here." } : null;
  }
  if (Number(declared) > SERVER_ACTION_BODY_LIMIT_BYTES) {
    return { code: "payload_too_large", message: `The form's data is larger than ${SERVER_ACTION_BODY_LIMIT_BYTES / 1024 / 1024} MiB, the most the portal accepts in one submission.` };
  }
  return null;
}

/**
 * Answers a refused request and returns true, or returns false to let it
 * through. The API and server actions get the JSON envelope; a page a browser
 * asked for gets a short HTML page with the same message.
 */
export function refuseMalformedRequest(request: IncomingMessage, response: ServerResponse): boolean {
  const refusal = refusalOf(request);
  if (!refusal) return false;
  const status = errorCodeToHttpStatus(refusal.code);
  const json = isApiPath((request.url ?? "/").split("?")[0]!) || request.method !== "GET" || !/text\/html/.test(request.headers.accept ?? "");
  const body = json
    ? JSON.stringify({ ok: false, error: { code: refusal.code, message: refusal.message } })
    : `<!doctype html><meta charset="utf-8"><title>Bad request</title><h1>This address cannot be opened</h1><p>${escapeHtml(refusal.message)}</p><p><a href="/">Go to the portal</a></p>`;
  const send = (close: boolean) => {
    response.writeHead(status, {
      "content-type": json ? "application/json" : "text/html; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...(json ? {} : { "content-security-policy": "default-src 'none'; frame-ancestors 'none'" }),
      ...(close ? { connection: "close" } : {}),
    });
    response.end(request.method === "HEAD" ? undefined : body);
  };
  // A refused request's body is read and dropped before the answer (up to a
  // limit): closing a connection with unread bytes resets it, and a client or
  // the front process still sending would see the reset, not the answer.
  if (request.method === "GET" || request.method === "HEAD" || request.readableEnded) send(false);
  else if (Number(request.headers["content-length"] ?? 0) > REFUSED_BODY_DRAIN_BYTES) send(true);
  else {
    let read = 0;
    request.on("data", (chunk: Buffer) => {
      read += chunk.length;
      if (read > REFUSED_BODY_DRAIN_BYTES) request.destroy();
    });
    request.once("end", () => send(false));
    request.once("error", () => response.destroy());
    request.once("close", () => {
      if (!response.headersSent) send(true);
    });
  }
  return true;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
