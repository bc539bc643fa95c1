// How the front process (scripts/portal-proxy.ts) passes a request that is
// not on the pull path to the Next.js process: HTTP/1.1 over a private Unix
// socket, streamed both ways with back-pressure, headers as the client sent
// them (Host and Origin stay the client's, so Next.js's same-origin checks
// see what the browser sent) plus the client address the front resolved.
// Only the front can reach the socket (its directory is 0700), which is why
// the Next.js process trusts that address. Pages and actions are small: this
// copy costs nothing that matters; blobs never take this path.
import http from "node:http";
import { pipeline } from "node:stream/promises";
import { log } from "@/lib/log";

// Connection-level headers describe one hop and are not passed on (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

const agents = new Map<string, http.Agent>();

function agentFor(socketPath: string): http.Agent {
  let agent = agents.get(socketPath);
  if (!agent) {
    // A new connection per request: a Unix-socket connect costs microseconds, and a
    // kept-alive socket the Next.js process has just closed would otherwise turn a
    // request into a 503 (the reuse race every keep-alive client has).
    agent = new http.Agent({ keepAlive: false, maxSockets: 256 });
    agents.set(socketPath, agent);
  }
  return agent;
}

export function forwardToNext(socketPath: string, request: http.IncomingMessage, response: http.ServerResponse): void {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  const upstream = http.request({ socketPath, agent: agentFor(socketPath), method: request.method, path: request.url, headers, setHost: false }, (answer) => {
    const passed: string[] = [];
    for (let index = 0; index < answer.rawHeaders.length; index += 2) {
      if (!HOP_BY_HOP.has(answer.rawHeaders[index]!.toLowerCase())) passed.push(answer.rawHeaders[index]!, answer.rawHeaders[index + 1]!);
    }
    response.writeHead(answer.statusCode ?? 502, answer.statusMessage, passed);
    pipeline(answer, response).catch(() => response.destroy());
  });
  upstream.on("error", (error: NodeJS.ErrnoException) => {
    if (response.headersSent || response.destroyed) return response.destroy();
    const body = JSON.stringify({ error: "The portal's web application is restarting or did not answer. Try again in a few seconds; image pulls are not affected." });
    // Not listening (starting, restarting) is what the supervisor already reports.
    if (error.code !== "ECONNREFUSED" && error.code !== "ENOENT") log.warn({ err: error.code ?? error.message }, "the Next.js process did not answer a forwarded request");
    response.writeHead(503, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body), "Retry-After": "5", "Cache-Control": "no-store" });
    response.end(body);
  });
  pipeline(request, upstream).catch(() => upstream.destroy());
}
