// A webhook receiver for tests, the benchmark and the end-to-end specs: a
// real HTTP server that verifies every request's Standard Webhooks signature
// with the `standardwebhooks` package (as a vendor's receiver would) and
// answers as the test scripts it (a status, a delay, a Retry-After).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedWebhook {
  id: string;
  type: string;
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  /** Whether the signature verified with one of the receiver's secrets. */
  verified: boolean;
  /** Which secrets' signatures verified, by index in `secrets`. */
  verifiedWith: number[];
  receivedAt: number;
}

export interface ScriptedAnswer {
  status: number;
  delayMs?: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface WebhookReceiver {
  url: string;
  origin: string;
  received: ReceivedWebhook[];
  /** Secrets to verify with (whsec_…). */
  secrets: string[];
  /** Answers for the next requests, in order; then `fallback`. */
  script: ScriptedAnswer[];
  fallback: ScriptedAnswer;
  onReceive?: (webhook: ReceivedWebhook) => void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: { port?: number } = {}): Promise<WebhookReceiver> {
  const receiver: Omit<WebhookReceiver, "url" | "origin" | "close"> = { received: [], secrets: [], script: [], fallback: { status: 204 } };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(request.headers).map(([key, value]) => [key, String(value)]));
      const verifiedWith = receiver.secrets.flatMap((secret, index) => {
        try {
          new Webhook(secret).verify(raw, headers);
          return [index];
        } catch {
          return [];
        }
      });
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // Recorded as received; the test sees an empty body.
      }
      const webhook: ReceivedWebhook = { id: String(request.headers["webhook-id"] ?? ""), type: String(body.type ?? ""), body, headers: request.headers, verified: verifiedWith.length > 0, verifiedWith, receivedAt: Date.now() };
      receiver.received.push(webhook);
      receiver.onReceive?.(webhook);
      const answer = receiver.script.shift() ?? receiver.fallback;
      const reply = () => {
        if (response.destroyed) return;
        response.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
        response.end(answer.body ?? (answer.status < 300 ? "" : `status ${answer.status}`));
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return Object.assign(receiver, {
    origin,
    url: `${origin}/hooks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
