// A token server in the shape of the Docker registry token authentication
// spec (distribution's docs/spec/auth/token.md and oauth.md): the registry
// answers 401 with `Bearer realm=…,service=…,scope=…`, the client calls
// `GET <realm>?service=…&scope=…` with Basic credentials (or none, for
// anonymous access) and gets `{ token, access_token, expires_in, issued_at }`.
// Only the scopes a user is allowed are granted; asking for more is not an
// error (the registry refuses the request later, as the spec says). The OAuth2
// form (`POST <realm>` with grant_type=password) is answered too.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { FULL_ACCESS, grantAccess, type AccessRule, type ReferenceUser } from "./access";
import { createTokenSigner, type TokenSigner } from "./token-signer";

export interface TokenIssuerOptions {
  users?: ReferenceUser[];
  /** The registry's `service` (default "reference-registry"). */
  service?: string;
  /** The tokens' `iss` (default "reference-token-issuer"). */
  issuer?: string;
  /** Path of the realm (default "/token"). */
  path?: string;
  /** What a request without credentials is granted (default nothing). */
  anonymousAccess?: AccessRule[];
  expiresInSeconds?: number;
  /** Sign with this signer (its issuer is the tokens' `iss`) instead of a new one: a provider stand-in shares its signer with the registry. */
  signer?: TokenSigner;
}

export interface TokenRequestRecord {
  method: string;
  service: string | null;
  scopes: string[];
  /** The username sent, or undefined for an anonymous request. Never the password. */
  username?: string;
  status: number;
}

export interface TokenIssuer {
  /** The URL the registry's challenge names (`auth.token.realm`). */
  realm: string;
  url: string;
  service: string;
  issuer: string;
  certificatePem: string;
  signer: TokenSigner;
  /** Every request answered, oldest first. */
  requests: TokenRequestRecord[];
  /** Adds a user or replaces the one of that name (e.g. a rotated password). */
  setUser(user: ReferenceUser): void;
  removeUser(username: string): void;
  /** Answer 503 to every request while true. */
  down: boolean;
  expiresInSeconds: number;
  close(): Promise<void>;
}

export async function startTokenIssuer(options: TokenIssuerOptions = {}): Promise<TokenIssuer> {
  const service = options.service ?? "reference-registry";
  const issuerName = options.signer?.issuer ?? options.issuer ?? "reference-token-issuer";
  const realmPath = options.path ?? "/token";
  const users = new Map((options.users ?? []).map((user) => [user.username, user]));
  const signer = options.signer ?? (await createTokenSigner({ issuer: issuerName }));

  async function answer(request: http.IncomingMessage, response: http.ServerResponse, record: TokenRequestRecord): Promise<void> {
    const url = new URL(request.url ?? "/", "http://token-issuer");
    if (url.pathname !== realmPath || (request.method !== "GET" && request.method !== "POST")) return send(response, record, 404, { errors: [{ code: "NOT_FOUND", message: "not found" }] });
    if (issuer.down) return send(response, record, 503, { errors: [{ code: "UNAVAILABLE", message: "token service unavailable" }] });
    let credentials = basicCredentials(request.headers.authorization);
    let params = url.searchParams;
    if (request.method === "POST") {
      params = new URLSearchParams(await readBody(request));
      const grantType = params.get("grant_type");
      if (grantType !== "password") return send(response, record, 400, { error: "unsupported_grant_type", error_description: `grant_type ${grantType ?? "(none)"} is not supported; use password` });
      credentials = { username: params.get("username") ?? "", password: params.get("password") ?? "" };
    }
    record.service = params.get("service");
    record.scopes = params.getAll("scope");
    record.username = credentials?.username;
    if (record.service !== service) return send(response, record, 400, { errors: [{ code: "DENIED", message: `unknown service ${JSON.stringify(record.service)}; this token server serves ${JSON.stringify(service)}` }] });
    let rules: AccessRule[];
    if (credentials) {
      const user = users.get(credentials.username);
      if (!user || user.password !== credentials.password) {
        response.setHeader("WWW-Authenticate", `Basic realm="${issuerName}"`);
        return send(response, record, 401, { errors: [{ code: "UNAUTHORIZED", message: "authentication failed: incorrect username or password" }] });
      }
      rules = user.access ?? FULL_ACCESS;
    } else rules = options.anonymousAccess ?? [];
    const access = grantAccess(record.scopes, rules);
    const now = Math.floor(Date.now() / 1000);
    const token = await signer.mint({ subject: credentials?.username ?? "", audience: service, access, expiresInSeconds: issuer.expiresInSeconds, now });
    const issuedAt = new Date(now * 1000).toISOString();
    if (request.method === "POST") return send(response, record, 200, { access_token: token, scope: access.map((grant) => `${grant.type}:${grant.name}:${grant.actions.join(",")}`).join(" "), expires_in: issuer.expiresInSeconds, issued_at: issuedAt });
    send(response, record, 200, { token, access_token: token, expires_in: issuer.expiresInSeconds, issued_at: issuedAt });
  }

  const server = http.createServer((request, response) => {
    const record: TokenRequestRecord = { method: request.method ?? "GET", service: null, scopes: [], status: 0 };
    issuer.requests.push(record);
    answer(request, response, record).catch(() => send(response, record, 500, { errors: [{ code: "UNKNOWN", message: "internal error" }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const issuer: TokenIssuer = {
    realm: `${url}${realmPath}`,
    url,
    service,
    issuer: issuerName,
    certificatePem: signer.certificatePem,
    signer,
    requests: [],
    setUser: (user) => void users.set(user.username, user),
    removeUser: (username) => void users.delete(username),
    down: false,
    expiresInSeconds: options.expiresInSeconds ?? 300,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return issuer;
}

export function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  if (!header?.toLowerCase().startsWith("basic ")) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function readBody(request: http.IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: http.ServerResponse, record: TokenRequestRecord, status: number, body: unknown): void {
  record.status = status;
  if (response.headersSent) return void response.end();
  response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}
