import "server-only";
// Requests from the proxy to an upstream registry and to the storage its
// blob redirects point at. The proxy is never an open proxy: a registry's URL
// comes only from its validated hostname (or a configured endpoint override),
// and a redirect is followed only to https:// on a public address, unless its
// origin is one the operator configured (an override's origin or
// PROXY_ALLOWED_REDIRECT_ORIGINS), where http:// and private addresses are
// allowed because the operator said so. The address check happens in the
// socket's DNS lookup, so a name that resolves to a private address (DNS
// rebinding included) is refused at connect time.
import dns from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import net from "node:net";
import { requestPlainHttpBody, type PlainHttpBody } from "@/lib/proxy/plain-http-body";

const PRIVATE_RANGES = new net.BlockList();
for (const [address, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24],
  ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) PRIVATE_RANGES.addSubnet(address, prefix, "ipv4");
for (const [address, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96], ["2001:db8::", 32]] as const) {
  PRIVATE_RANGES.addSubnet(address, prefix, "ipv6");
}

/** Whether an IP address is one the proxy may connect to without the operator's say-so. */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return isPublicAddress(mapped[1]!);
    return !PRIVATE_RANGES.check(address, "ipv6");
  }
  return !PRIVATE_RANGES.check(address, "ipv4");
}

export class UpstreamRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UpstreamRefusedError";
  }
}

const publicOnlyLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 4);
    const list = addresses as dns.LookupAddress[];
    const refused = list.find((entry) => !isPublicAddress(entry.address));
    if (refused || list.length === 0) return callback(new UpstreamRefusedError(`${hostname} resolves to a private or reserved address`), "", 4);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

/** Whether a URL may be requested, and with which socket lookup. */
export function checkUpstreamUrl(url: URL, trustedOrigins: ReadonlySet<string>): { trusted: boolean } {
  if (trustedOrigins.has(url.origin)) return { trusted: true };
  if (url.protocol !== "https:") throw new UpstreamRefusedError(`refused to follow a redirect to ${url.protocol}// (only https:// is allowed)`);
  if (url.username || url.password) throw new UpstreamRefusedError("refused a URL with credentials in it");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host) && !isPublicAddress(host)) throw new UpstreamRefusedError("refused a private or reserved address");
  return { trusted: false };
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
  httpsPublic: new https.Agent({ keepAlive: true, maxSockets: 256, lookup: publicOnlyLookup }),
};

export interface UpstreamRequest {
  method: "GET" | "HEAD";
  headers: Record<string, string>;
  /** Deadline for the response head, and the longest the body may then stall. */
  timeoutMs: number;
  trustedOrigins: ReadonlySet<string>;
}

export class UpstreamTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer from upstream within ${timeoutMs} ms`);
    this.name = "UpstreamTimeoutError";
  }
}

/**
 * One HTTP request (no redirect following); resolves with the response head,
 * its body still to be read. A kept-alive connection that the server closed
 * just as it was reused is retried once on a new one (GET and HEAD are safe to repeat).
 */
export async function requestUpstream(url: URL, init: UpstreamRequest): Promise<IncomingMessage> {
  try {
    return await requestOnce(url, init);
  } catch (error) {
    if ((error as { reusedSocket?: boolean }).reusedSocket && ["ECONNRESET", "EPIPE", "ECONNABORTED"].includes((error as { code?: string }).code ?? "")) return requestOnce(url, init);
    throw error;
  }
}

function requestOnce(url: URL, init: UpstreamRequest): Promise<IncomingMessage> {
  const { trusted } = checkUpstreamUrl(url, init.trustedOrigins);
  const secure = url.protocol === "https:";
  const agent = secure ? (trusted ? agents.https : agents.httpsPublic) : agents.http;
  const requester = secure ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const request = requester(url, { method: init.method, headers: init.headers, agent }, (response) => {
      clearTimeout(deadline);
      // From here on a stall (no byte for timeoutMs) ends the body with an error.
      request.setTimeout(init.timeoutMs, () => request.destroy(new UpstreamTimeoutError(init.timeoutMs)));
      resolve(response);
    });
    const deadline = setTimeout(() => request.destroy(new UpstreamTimeoutError(init.timeoutMs)), init.timeoutMs);
    request.once("error", (error) => {
      clearTimeout(deadline);
      reject(Object.assign(error, { reusedSocket: request.reusedSocket }));
    });
    request.end();
  });
}

/** A blob's answer: node:http's, or one read into pooled buffers (plain-http-body.ts). */
export type BlobBody = IncomingMessage | PlainHttpBody;

export function isPlainHttpBody(body: BlobBody): body is PlainHttpBody {
  return (body as PlainHttpBody).plain === true;
}

/**
 * Like requestUpstream, for a blob: a GET to plain http:// storage the
 * operator trusts is read into pooled buffers when the answer is a 200 or
 * 206 with a length (the bulk of every pull); anything else is asked again
 * through node:http.
 */
export async function requestBlobBody(url: URL, init: UpstreamRequest): Promise<BlobBody> {
  if (init.method === "GET" && url.protocol === "http:" && checkUpstreamUrl(url, init.trustedOrigins).trusted) {
    const plain = await requestPlainHttpBody(url, { headers: init.headers, timeoutMs: init.timeoutMs, timeoutError: () => new UpstreamTimeoutError(init.timeoutMs) });
    if (plain) return plain;
  }
  return requestUpstream(url, init);
}

/** Reads a small body completely, refusing more than maxBytes. */
export async function readBody(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.destroy();
      throw new UpstreamRefusedError(`the upstream answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Discards a body (so a node:http connection can be reused). */
export function discard(response: BlobBody): void {
  if (isPlainHttpBody(response)) response.destroy();
  else response.resume();
}
