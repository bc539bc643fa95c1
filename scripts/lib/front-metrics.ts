// The front process's Prometheus metrics (its HTTP requests: /v2/ and the
// OIDC documents), offered on a private socket beside the Next.js process's,
// so that the one METRICS_LISTEN endpoint, served by the Next.js process,
// counts every request of the instance (lib/metrics/server.ts adds them up).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { MetricSource } from "@/lib/metrics/server";
import { getMetrics } from "@/lib/metrics/metrics";

const SCRAPE_TIMEOUT_MS = 2_000;

/** Beside the Next.js process's socket, in the same private directory. */
export function frontMetricsSocket(nextSocket: string): string {
  return path.join(path.dirname(nextSocket), "front-metrics.sock");
}

export function serveFrontMetrics(socketPath: string): http.Server {
  fs.rmSync(socketPath, { force: true });
  return http
    .createServer((_request, response) => {
      getMetrics()
        .registry.getMetricsAsJSON()
        .then(
          (metrics) => response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(metrics)),
          () => response.writeHead(500).end(),
        );
    })
    .listen(socketPath);
}

export function frontMetricsSource(socketPath: string): MetricSource {
  return () =>
    new Promise((resolve, reject) => {
      const request = http.get({ socketPath, path: "/metrics.json", timeout: SCRAPE_TIMEOUT_MS }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.once("end", () => {
          if (response.statusCode !== 200) return reject(new Error(`the front process answered ${response.statusCode}`));
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
          } catch (error) {
            reject(error as Error);
          }
        });
        response.once("error", reject);
      });
      request.once("timeout", () => request.destroy(new Error(`the front process did not answer within ${SCRAPE_TIMEOUT_MS} ms`)));
      request.once("error", reject);
    });
}
