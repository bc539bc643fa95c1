import "server-only";
// The registry login's HTTP requests (/v2/, token realms, Entra ID, ACR's
// exchange, manifest HEADs in the Test) and webhook deliveries
// (lib/notifications): every request to an address a user typed. Never an open door into the
// portal's network: a URL must be https:// on a public address, checked in
// the socket's DNS lookup (so DNS rebinding is refused at connect time),
// unless its origin is one the operator trusts (lib/registry-auth/endpoints).
// Redirects are followed for GET and HEAD only, a few times, and the
// Authorization header is dropped as soon as a redirect leaves the origin.
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { checkUpstreamUrl, isPublicAddress, UpstreamRefusedError } from "@/lib/proxy/upstream-http";

export { UpstreamRefusedError as UnsafeUrlError };

const publicOnlyLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 4);
    const list = addresses as dns.LookupAddress[];
    if (list.length === 0 || list.some((entry) => !isPublicAddress(entry.address))) return callback(new UpstreamRefusedError(`${hostname} resolves to a private or reserved address`), "", 4);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

// Names that lead into the portal's own host or a cloud's metadata service, whatever DNS says.
const INTERNAL_NAMES = /^(?:localhost|.+\.localhost|localhost\.localdomain|metadata|metadata\.google\.internal|metadata\.goog|instance-data|instance-data\.ec2\.internal)\.?$/i;

/**
 * Why this client refuses to connect to `host` (a hostname or address, with
 * or without :port) unless the operator trusts it, when that is certain
 * before any DNS lookup: an address outside the public ranges (loopback,
 * private, link-local, metadata …) or a well-known internal name. Null
 * otherwise (a name that resolves to such an address is refused at connect time).
 */
export function refusedHostReason(host: string): string | null {
  let hostname: string;
  try {
    hostname = new URL(`https://${host}`).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return null;
  }
  if (net.isIP(hostname)) return isPublicAddress(hostname) ? null : "a loopback, private, link-local or otherwise reserved address";
  if (INTERNAL_NAMES.test(hostname)) return "a name for the portal's own machine or a cloud metadata service";
  return null;
}

const agents = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true }),
  httpsPublic: new https.Agent({ keepAlive: true, lookup: publicOnlyLookup }),
};

export interface AuthHttpRequest {
  method: "GET" | "HEAD" | "POST";
  headers?: Record<string, string>;
  /** application/x-www-form-urlencoded fields (POST). */
  form?: Record<string, string>;
  /** A raw body (POST), its content-type in `headers`. */
  body?: string;
  /** A JSON body (POST), e.g. Google's IAM Credentials API. */
  json?: unknown;
  signal: AbortSignal;
  trustedOrigins: ReadonlySet<string>;
  /** The most bytes of the body read (the rest is discarded). */
  maxBodyBytes?: number;
}

export interface AuthHttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The URL that answered, after redirects. */
  url: URL;
}

const MAX_REDIRECTS = 3;
const DEFAULT_MAX_BODY = 256 * 1024;

export async function authHttpRequest(url: URL, init: AuthHttpRequest): Promise<AuthHttpResponse> {
  let current = url;
  let headers = { ...init.headers };
  for (let hops = 0; ; hops++) {
    const response = await requestOnce(current, { ...init, headers });
    const location = response.headers.location;
    if (init.method === "POST" || !location || ![301, 302, 303, 307, 308].includes(response.status)) return response;
    if (hops >= MAX_REDIRECTS) throw new UpstreamRefusedError(`more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, current);
    // Credentials never follow a redirect to another origin.
    if (next.origin !== current.origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"));
    current = next;
  }
}

function requestOnce(url: URL, init: AuthHttpRequest): Promise<AuthHttpResponse> {
  const { trusted } = checkUpstreamUrl(url, init.trustedOrigins);
  const secure = url.protocol === "https:";
  const agent = secure ? (trusted ? agents.https : agents.httpsPublic) : agents.http;
  // A form or JSON body sets its own content-type; a raw body's is in `headers`.
  const body = init.form ? new URLSearchParams(init.form).toString() : init.json !== undefined ? JSON.stringify(init.json) : init.body;
  const contentType = init.form ? { "content-type": "application/x-www-form-urlencoded" } : init.json !== undefined ? { "content-type": "application/json" } : {};
  const headers = { ...init.headers, ...contentType, ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}) };
  const maxBytes = init.maxBodyBytes ?? DEFAULT_MAX_BODY;
  return new Promise((resolve, reject) => {
    const request = (secure ? https.request : http.request)(url, { method: init.method, headers, agent, signal: init.signal }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8"), url });
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        // A body past the limit is not read any further (an error body or token is small).
        if (size >= maxBytes) {
          finish();
          response.destroy();
        }
      });
      response.on("end", finish);
      response.on("error", (error) => (size >= maxBytes ? undefined : reject(error)));
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** The error code and message of a registry, token server or OAuth answer, whichever shape it has. */
export function errorOfBody(body: string): { code?: string; message?: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return {};
  }
  if (!value || typeof value !== "object") return {};
  const v = value as { errors?: { code?: unknown; message?: unknown }[]; error?: unknown; error_description?: unknown; details?: unknown; message?: unknown };
  // Google APIs: { error: { code: 403, message, status: "PERMISSION_DENIED" } }.
  if (v.error && typeof v.error === "object") {
    const google = v.error as { message?: unknown; status?: unknown };
    return { ...(typeof google.status === "string" ? { code: google.status } : {}), ...(typeof google.message === "string" ? { message: google.message.slice(0, 500) } : {}) };
  }
  const first = Array.isArray(v.errors) ? v.errors[0] : undefined;
  const code = typeof first?.code === "string" ? first.code : typeof v.error === "string" ? v.error : undefined;
  const message =
    typeof first?.message === "string" ? first.message : typeof v.error_description === "string" ? v.error_description : typeof v.details === "string" ? v.details : typeof v.message === "string" ? v.message : undefined;
  return { ...(code ? { code } : {}), ...(message ? { message: message.slice(0, 500) } : {}) };
}
