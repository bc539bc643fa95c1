import type { ServerResponse } from "node:http";

export function send(response: ServerResponse, status: number, headers: Record<string, string | number>, body: string | Buffer = ""): void {
  const payload = typeof body === "string" ? Buffer.from(body) : body;
  response.writeHead(status, { ...headers, "Content-Length": payload.length });
  response.end(payload);
}
