// Who and what a log line belongs to: one context per HTTP request, set by the
// production server before anything else runs (scripts/portal-server.ts), and
// read by lib/log.ts so every line carries requestId, and teamId and userId
// once getSession() knows them. The storage lives on globalThis: the server's
// compiled bundle and Next.js's bundles each hold a copy of this module, and
// they must share one store.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface RequestContext {
  requestId: string;
  teamId?: string;
  userId?: string;
}

export const REQUEST_ID_HEADER = "x-request-id";

const globalForContext = globalThis as unknown as { portalRequestContext?: AsyncLocalStorage<RequestContext> };
const storage = (globalForContext.portalRequestContext ??= new AsyncLocalStorage<RequestContext>());

// A request ID from a load balancer is kept when it is a plain token (it ends
// up in logs and in messages shown to users); anything else is replaced.
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

export function requestIdFrom(header: string | string[] | undefined | null): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && ACCEPTABLE_REQUEST_ID.test(value) ? value : randomUUID();
}

/**
 * Runs a request's handling inside its context: the request ID is taken from
 * X-Request-Id or created, written back into the request's headers (so
 * Next.js code reads the same one) and sent in the response.
 */
export function runWithRequestContext<T>(request: IncomingMessage, response: ServerResponse, handle: (context: RequestContext) => T): T {
  const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
  request.headers[REQUEST_ID_HEADER] = requestId;
  response.setHeader("X-Request-Id", requestId);
  const context: RequestContext = { requestId };
  return storage.run(context, () => handle(context));
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The current request's ID, or a new one for work outside a request (a command, a timer). */
export function currentRequestId(): string {
  return storage.getStore()?.requestId ?? randomUUID();
}

/** Adds what the request has learned about its caller (getSession() does) to every later log line. */
export function annotateRequestContext(fields: { teamId?: string; userId?: string }): void {
  const context = storage.getStore();
  if (!context) return;
  if (fields.teamId) context.teamId = fields.teamId;
  if (fields.userId) context.userId = fields.userId;
}
