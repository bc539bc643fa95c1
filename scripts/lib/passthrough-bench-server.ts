// The second reference of `npm run bench:proxy`: the least any process in the
// pull path can cost. A bare node:http pass-through to the local AWS's
// registry endpoint: no license, no token, no hashing, no access log; it
// follows the storage redirect itself (as the proxy does) and passes the
// body on. With the proxy's own transport, so that the ratio measures the
// proxy's work rather than a transport difference: the storage leg is read
// into pooled 1 MiB buffers (lib/proxy/plain-http-body.ts) and each buffer
// written straight to the client, reused once written, with back-pressure;
// anything else is piped from node:http. Its own process, like the proxy.
// Prints "READY <port> <pid>".
// With BENCH_PASSTHROUGH_AUTHORIZATION it adds that Authorization to requests
// that carry none: the reference registry's pull-through mode reaches the
// local AWS through such an instance (docker-registry 2.8 sends its upstream
// credentials only to a token realm, and ECR asks for Basic).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { releaseBuffer } from "@/lib/proxy/buffer-pool";
import { requestPlainHttpBody, type PlainHttpBody } from "@/lib/proxy/plain-http-body";

const upstream = new URL(process.env.BENCH_PASSTHROUGH_UPSTREAM ?? "");
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const PASSED_HEADERS = ["content-type", "content-length", "docker-content-digest", "content-range"];

function forward(url: URL, method: string, headers: http.OutgoingHttpHeaders, response: http.ServerResponse, hops: number): void {
  const request = http.request(url, { method, headers, agent }, (answer) => {
    const status = answer.statusCode ?? 502;
    if (status >= 300 && status < 400 && answer.headers.location && hops < 3) {
      answer.resume();
      // Storage is another origin: no Authorization there, as in the proxy.
      const storage = new URL(answer.headers.location, url);
      if (method !== "GET") return forward(storage, method, {}, response, hops + 1);
      const range: Record<string, string> = typeof headers.range === "string" ? { range: headers.range } : {};
      requestPlainHttpBody(storage, { headers: range, timeoutMs: 30_000, timeoutError: () => new Error("timeout") }).then(
        (body) => (body ? relay(body, response) : forward(storage, method, range, response, hops + 1)),
        () => response.destroy(),
      );
      return;
    }
    const passed = Object.fromEntries(PASSED_HEADERS.filter((name) => answer.headers[name] !== undefined).map((name) => [name, answer.headers[name]!]));
    response.writeHead(status, passed);
    answer.pipe(response);
  });
  request.once("error", () => response.destroy());
  request.end();
}

function relay(body: PlainHttpBody, response: http.ServerResponse): void {
  response.writeHead(body.statusCode, Object.fromEntries(PASSED_HEADERS.filter((name) => body.headers[name] !== undefined).map((name) => [name, body.headers[name]!])));
  response.once("close", () => body.destroy());
  body.read({
    chunk: (data, buffer) => {
      if (response.write(data, (error) => !error && releaseBuffer(buffer))) return true;
      response.once("drain", () => body.resume());
      return false;
    },
    end: () => response.end(),
    error: () => response.destroy(),
  });
}

const server = http.createServer((request, response) => {
  const headers: http.OutgoingHttpHeaders = {};
  for (const name of ["authorization", "accept", "range"]) if (request.headers[name]) headers[name] = request.headers[name];
  headers.authorization ??= process.env.BENCH_PASSTHROUGH_AUTHORIZATION || undefined;
  forward(new URL(`${upstream.pathname}${request.url ?? "/"}`, upstream), request.method ?? "GET", headers, response, 0);
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`READY ${(server.address() as AddressInfo).port} ${process.pid}`));
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
