// What every provider stand-in shares: one HTTP server on loopback that plays
// the provider's registry host. `/v2/…` is proxied to a reference registry
// (the real distribution registry, token mode) whose Bearer challenge is
// rewritten to name the provider's realm; the provider's own auth endpoints
// (its token service, exchanges) are answered by the routes it adds, and the
// tokens they mint are signed with the key the registry trusts. Images are
// pushed straight to the backing registry by an admin user.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pushImage, type PushedImage, type PushImageOptions } from "../reference-registry/push-image";
import { startReferenceRegistry, type ReferenceRegistry } from "../reference-registry/reference-registry";
import { basicCredentials, readBody, startTokenIssuer, type TokenIssuer } from "../reference-registry/token-issuer";
import { createTokenSigner, type TokenSigner } from "../reference-registry/token-signer";
import type { GrantedAccess } from "../reference-registry/access";

export interface StandInRequestRecord {
  method: string;
  path: string;
  status: number;
}

export interface RouteContext {
  /** The stand-in's own URL (http://127.0.0.1:<port>). */
  url: string;
  service: string;
  signer: TokenSigner;
  /** Mints a registry token the backing registry accepts. */
  mintRegistryToken(subject: string, access: GrantedAccess[], expiresInSeconds?: number): Promise<string>;
}

export type RouteHandler = (request: http.IncomingMessage, response: http.ServerResponse, url: URL, context: RouteContext) => Promise<void> | void;

export interface StandInOptions {
  name: string;
  /** The challenge's `service`, which is also the registry tokens' audience. */
  service: string;
  /** Path of the realm on the realm's origin, e.g. "/token", "/v2/auth", "/jwt/auth". */
  realmPath: string;
  /**
   * Origin the challenge's realm names (default: the stand-in's own URL). Give
   * the real service's (https://auth.docker.io) to exercise AUTH_ENDPOINT_OVERRIDES.
   */
  realmOrigin?: string;
  /** Routes by exact path, or by a function of the path for paths with parameters. */
  routes: { match: string | ((path: string) => boolean); handler: RouteHandler }[];
  /** The provider's own wording of the registry's 401 `{ errors: [...] }` body (e.g. ACR's "authentication required, visit https://aka.ms/acr/authorization …"). */
  unauthorizedMessage?: string;
}

export interface StandIn {
  name: string;
  /** http://127.0.0.1:<port>: what REGISTRY_ENDPOINT_OVERRIDES (and AUTH_ENDPOINT_OVERRIDES) map the real hosts to. */
  url: string;
  port: number;
  service: string;
  /** The realm the registry's challenge names. */
  realm: string;
  registry: ReferenceRegistry;
  signer: TokenSigner;
  /** Every request answered (auth endpoints and /v2/), oldest first. */
  requests: StandInRequestRecord[];
  /** Pushes an image with the admin user, straight to the backing registry. */
  push(repository: string, tag: string, options?: PushImageOptions): Promise<PushedImage>;
  /** While set, every /v2/ request is answered with this status and body instead (e.g. Docker Hub's 429). */
  registryFault: { status: number; body: unknown } | null;
  close(): Promise<void>;
}

const ADMIN = { username: "stand-in-admin", password: "stand-in-admin-password" };

export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const signer = await createTokenSigner({ issuer: `${options.name}-stand-in` });
  let pushIssuer: TokenIssuer | undefined;
  let registry: ReferenceRegistry | undefined;
  try {
    pushIssuer = await startTokenIssuer({ users: [ADMIN], service: options.service, signer });
    registry = await startReferenceRegistry({ auth: "token", tokenIssuer: pushIssuer });
  } catch (error) {
    await pushIssuer?.close();
    throw error;
  }
  const backing = registry;
  const issuer = pushIssuer;
  const requests: StandInRequestRecord[] = [];
  let url = "";
  let realm = "";

  const context = (): RouteContext => ({
    url,
    service: options.service,
    signer,
    mintRegistryToken: (subject, access, expiresInSeconds = 300) => signer.mint({ subject, audience: options.service, access, expiresInSeconds }),
  });

  const server = http.createServer((request, response) => {
    const requestUrl = new URL(request.url ?? "/", url);
    const record: StandInRequestRecord = { method: request.method ?? "GET", path: requestUrl.pathname, status: 0 };
    requests.push(record);
    response.once("finish", () => (record.status = response.statusCode));
    const route = options.routes.find((candidate) => (typeof candidate.match === "string" ? candidate.match === requestUrl.pathname : candidate.match(requestUrl.pathname)));
    if (route) {
      Promise.resolve(route.handler(request, response, requestUrl, context())).catch(() => {
        if (!response.headersSent) sendJson(response, 500, { errors: [{ code: "UNKNOWN", message: "stand-in error" }] });
        else response.destroy();
      });
      return;
    }
    if (requestUrl.pathname === "/v2" || requestUrl.pathname.startsWith("/v2/")) {
      if (standIn.registryFault) return sendJson(response, standIn.registryFault.status, standIn.registryFault.body);
      return proxyToRegistry(request, response, backing, issuer.realm, realm, options.unauthorizedMessage);
    }
    sendJson(response, 404, { errors: [{ code: "NOT_FOUND", message: `no route for ${requestUrl.pathname}` }] });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
  realm = `${options.realmOrigin ?? url}${options.realmPath}`;

  const standIn: StandIn = {
    name: options.name,
    url,
    port,
    service: options.service,
    realm,
    registry: backing,
    signer,
    requests,
    push: (repository, tag, pushOptions) => pushImage(backing, repository, tag, ADMIN, pushOptions),
    registryFault: null,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await backing.stop();
      await issuer.close();
    },
  };
  return standIn;
}

/** Forwards a /v2/ request to the backing registry, with the challenge's realm replaced by the provider's. */
function proxyToRegistry(request: http.IncomingMessage, response: http.ServerResponse, registry: ReferenceRegistry, backingRealm: string, realm: string, unauthorizedMessage: string | undefined): void {
  const headers = { ...request.headers, host: registry.hostname };
  const upstream = http.request({ host: "127.0.0.1", port: registry.port, method: request.method, path: request.url, headers }, (answer) => {
    const challenge = answer.headers["www-authenticate"];
    if (typeof challenge === "string") answer.headers["www-authenticate"] = challenge.replace(`realm="${backingRealm}"`, `realm="${realm}"`);
    if (answer.statusCode === 401 && unauthorizedMessage !== undefined && request.method !== "HEAD") {
      // A small error body: read it whole and answer it in the provider's words, its code and detail kept.
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => chunks.push(chunk));
      answer.on("end", () => {
        let body: { errors?: { code?: string; detail?: unknown }[] } = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof body;
        } catch {
          // answered with the provider's code and words below
        }
        const errors = (body.errors ?? [{ code: "UNAUTHORIZED" }]).map((error) => ({ code: error.code ?? "UNAUTHORIZED", message: unauthorizedMessage, ...(error.detail !== undefined ? { detail: error.detail } : {}) }));
        const { "content-length": _length, ...kept } = answer.headers;
        response.writeHead(401, kept).end(JSON.stringify({ errors }));
      });
      return;
    }
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  upstream.on("error", () => {
    if (!response.headersSent) sendJson(response, 502, { errors: [{ code: "UNAVAILABLE", message: "backing registry unreachable" }] });
    else response.destroy();
  });
  request.pipe(upstream);
}

export function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
}

export async function readForm(request: http.IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readBody(request));
}

export { basicCredentials };

/** Registry token response fields as most services send them. */
export function tokenBody(token: string, expiresInSeconds = 300): { token: string; access_token: string; expires_in: number; issued_at: string } {
  return { token, access_token: token, expires_in: expiresInSeconds, issued_at: new Date().toISOString() };
}
