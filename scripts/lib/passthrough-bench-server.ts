// The second reference of `npm run bench:proxy`: the least any process in the
// pull path can cost. A bare node:http pass-through to the local AWS's
// registry endpoint: no license, no token, no hashing, no access log; it
// follows the storage redirect itself (as the proxy does) and pipes the body.
// Its own process, like the proxy. Prints "READY <port> <pid>".
// With BENCH_PASSTHROUGH_AUTHORIZATION it adds that Authorization to requests
// that carry none: the reference registry's pull-through mode reaches the
// local AWS through such an instance (docker-registry 2.8 sends its upstream
// credentials only to a token realm, and ECR asks for Basic).
import http from "node:http";
import type { AddressInfo } from "node:net";

const upstream = new URL(process.env.BENCH_PASSTHROUGH_UPSTREAM ?? "");
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const PASSED_HEADERS = ["content-type", "content-length", "docker-content-digest", "content-range"];

function forward(url: URL, method: string, headers: http.OutgoingHttpHeaders, response: http.ServerResponse, hops: number): void {
  const request = http.request(url, { method, headers, agent }, (answer) => {
    const status = answer.statusCode ?? 502;
    if (status >= 300 && status < 400 && answer.headers.location && hops < 3) {
      answer.resume();
      // Storage is another origin: no Authorization there, as in the proxy.
      return forward(new URL(answer.headers.location, url), method, {}, response, hops + 1);
    }
    const passed = Object.fromEntries(PASSED_HEADERS.filter((name) => answer.headers[name] !== undefined).map((name) => [name, answer.headers[name]!]));
    response.writeHead(status, passed);
    answer.pipe(response);
  });
  request.once("error", () => response.destroy());
  request.end();
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
