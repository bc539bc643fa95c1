// The OCI distribution specification's error codes (plus the reference
// registry's UNAVAILABLE and UNKNOWN for an upstream that cannot answer), one
// closed union with its HTTP status map, and the JSON body every client
// understands: {"errors":[{"code","message","detail"}]}.
import type { ServerResponse } from "node:http";

export type ProxyErrorCode =
  | "BLOB_UNKNOWN"
  | "DIGEST_INVALID"
  | "MANIFEST_UNKNOWN"
  | "MANIFEST_INVALID"
  | "NAME_INVALID"
  | "NAME_UNKNOWN"
  | "RANGE_INVALID"
  | "UNAUTHORIZED"
  | "DENIED"
  | "UNSUPPORTED"
  | "TOOMANYREQUESTS"
  | "UNAVAILABLE"
  | "UNKNOWN";

export const proxyErrorStatus: Record<ProxyErrorCode, number> = {
  BLOB_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  MANIFEST_INVALID: 400,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  RANGE_INVALID: 416,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
  UNAVAILABLE: 503,
  UNKNOWN: 500,
};

/** A refusal written for the customer (or the vendor, when it is theirs to fix). */
export class ProxyError extends Error {
  readonly status: number;
  constructor(
    readonly code: ProxyErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    /** The upstream registry's status, for the access log. */
    readonly upstreamStatus?: number,
  ) {
    super(message);
    this.name = "ProxyError";
    this.status = proxyErrorStatus[code];
  }
}

export const DISTRIBUTION_HEADERS = { "Docker-Distribution-Api-Version": "registry/2.0" } as const;

export function sendProxyError(response: ServerResponse, error: ProxyError, method = "GET"): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [{ code: error.code, message: error.message, detail: null }] });
  response.writeHead(error.status, {
    ...DISTRIBUTION_HEADERS,
    ...error.headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  response.end(method === "HEAD" ? undefined : body);
}
