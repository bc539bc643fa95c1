// The benchmarks' reference: a minimal Node http server that answers every
// request with one fixed body and headers. Plain JavaScript run by plain
// `node` in its own process, so it competes with the load generator no more
// than the server it is compared with does. Prints its URL on stdout.
import fs from "node:fs";
import http from "node:http";

const [bodyFile, headersJson] = process.argv.slice(2);
const body = fs.readFileSync(bodyFile);
const headers = JSON.parse(headersJson);

const server = http.createServer((_request, response) => {
  response.writeHead(200, headers);
  response.end(body);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}/\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
