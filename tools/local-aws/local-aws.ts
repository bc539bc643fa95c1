// A local AWS for tests and offline demos: IAM, STS and ECR on their real wire
// protocols (so the unmodified SDKs and CLI work through endpoint URLs), plus
// ECR's registry endpoint, all on one node:http server. Requests are routed by
// the service named in the SigV4 credential scope; AssumeRoleWithWebIdentity
// arrives unsigned, as in AWS. Test support only: nothing in app/, lib/ or
// components/ may import it.
import { randomBytes, randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleEcr } from "./ecr-api";
import { pushFixtureImage, type FixtureImage, type FixtureImageInput } from "./fixture-image";
import { send } from "./http-response";
import { handleLayerDownload } from "./layer-storage";
import type { RegistryFault, ServerContext } from "./server-context";
import { handleQueryApi, signedService } from "./query-api";
import { handleRegistry, registryHostname } from "./registry-endpoint";
import { headerValue, type ReceivedRequest } from "./sigv4";
import { createState, loadState, repositoryKey, saveState, seedAccounts, type LocalAwsAccount, type LocalAwsState } from "./state";
import { pushSyntheticImage, type SyntheticImage, type SyntheticImageInput } from "./synthetic-image";
import { createWebIdentityVerifier, type WebIdentityCheck } from "./web-identity";

export type { LocalAwsAccount } from "./state";
export type { FixtureImage, FixtureImageInput } from "./fixture-image";
export type { SyntheticImage, SyntheticImageInput } from "./synthetic-image";

export type { RegistryFault, ServerContext } from "./server-context";

export interface LocalAwsOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Accounts with their root access keys; more may exist in a loaded state file. */
  accounts: LocalAwsAccount[];
  /** Load state from this JSON file if it exists, and save every change to it. */
  stateFile?: string;
  /** How long verification keys of identity providers are cached (AWS-like default: 3600). */
  jwksCacheSeconds?: number;
  /** Deadline for fetching an identity provider's discovery document and JWKS (default 5000, as AWS). */
  identityProviderTimeoutMs?: number;
  /** The emulator's clock, for tests that need time to pass (expiry of sessions, tokens, keys). */
  now?: () => number;
}

export interface LocalAws {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Back to the start-up accounts only (POST /_local/reset does the same). */
  reset(): void;
  /** The ECR hostname of an account's registry in a region. */
  registryHostname(accountId: string, region: string): string;
  /** The registry endpoint for that hostname on this server (what REGISTRY_ENDPOINT_OVERRIDES points at). */
  registryUrl(accountId: string, region: string): string;
  /** Creates the repository if needed and stores a small real image under the tag. */
  pushFixtureImage(input: FixtureImageInput): FixtureImage;
  /** The live state, for assertions. */
  readonly state: LocalAwsState;
  /** Every web identity token STS verified, with the signing key's kid and the outcome (oldest first). */
  readonly webIdentityChecks: readonly WebIdentityCheck[];
  /** API calls answered since start or reset, by "<service>:<Action>" (e.g. "sts:AssumeRoleWithWebIdentity"). */
  callCounts(): Record<string, number>;
  /** "unavailable": the registry endpoint answers 503 to everything until set back to null. */
  setRegistryFault(fault: RegistryFault): void;
  /** Every ECR login token issued so far expires now (as after 12 hours). */
  expireRegistryTokens(): void;
  /** Changes a stored blob's bytes but not its digest, as a corrupted storage would. */
  corruptBlob(input: { accountId: string; region: string; repository: string; digest: string }): void;
  /** Stores an image whose layers are synthetic blobs of the given sizes (see blob-data.ts). */
  pushSyntheticImage(input: SyntheticImageInput): SyntheticImage;
}

const DEFAULT_JWKS_CACHE_SECONDS = 3600;

export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const now = options.now ?? Date.now;
  const state = (options.stateFile && loadState(options.stateFile)) || createState(options.accounts, now());
  seedAccounts(state, options.accounts, now());
  const verifier = createWebIdentityVerifier({
    cacheSeconds: options.jwksCacheSeconds ?? DEFAULT_JWKS_CACHE_SECONDS,
    timeoutMs: options.identityProviderTimeoutMs ?? 5000,
    now,
  });
  const context: ServerContext = { state, baseUrl: "", layerStorageUrl: () => "", now, layerUrlSecret: randomBytes(32), uploads: new Map(), registryFault: null };
  const calls = new Map<string, number>();
  const persist = () => {
    if (options.stateFile) saveState(options.stateFile, context.state);
  };
  const reset = () => {
    context.state = createState(options.accounts, now());
    context.uploads.clear();
    context.registryFault = null;
    calls.clear();
    verifier.clearCache();
    persist();
  };
  const pushSynthetic = (input: SyntheticImageInput) => {
    const image = pushSyntheticImage(context.state, input, now());
    persist();
    return image;
  };
  const pushFixture = (input: FixtureImageInput) => {
    const image = pushFixtureImage(context.state, input, now());
    persist();
    return image;
  };

  const handleRequest: http.RequestListener = (request, response) => {
    const requestId = randomUUID();
    response.setHeader("x-amzn-RequestId", requestId);
    readBody(request)
      .then(async (body) => {
        const url = new URL(request.url ?? "/", "http://local-aws");
        const received: ReceivedRequest = { method: request.method ?? "GET", rawPath: url.pathname, query: url.searchParams, headers: request.headers, body };
        if (url.pathname.startsWith("/_local/")) return handleLocalControl(url.pathname, received, response);
        if (url.pathname.startsWith("/_layers/")) return handleLayerDownload(context, received, response);
        const registry = /^\/_registry\/([^/]+)(\/v2(?:\/.*)?)$/.exec(url.pathname);
        if (context.registryFault === "unavailable" && (registry || url.pathname.startsWith("/v2"))) {
          return send(response, 503, { "Content-Type": "application/json" }, JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: "service unavailable (local AWS fault switch)" }] }));
        }
        if (registry || url.pathname === "/v2" || url.pathname.startsWith("/v2/")) {
          handleRegistry(context, received, response, registry ? registry[2]! : url.pathname, registry?.[1]);
          if (received.method !== "GET" && received.method !== "HEAD") persist();
          return;
        }
        const target = headerValue(request.headers, "x-amz-target");
        const operation = target ? `ecr:${target.slice(target.indexOf(".") + 1)}` : `${signedService(received) ?? "sts"}:${new URLSearchParams(body.toString("utf8")).get("Action") ?? "?"}`;
        calls.set(operation, (calls.get(operation) ?? 0) + 1);
        if (signedService(received) === "ecr" || target?.startsWith("AmazonEC2ContainerRegistry_V20150921.")) await handleEcr(context, received, response);
        else await handleQueryApi(context, verifier, received, response, requestId);
        persist();
      })
      .catch((error: unknown) => {
        console.error(`local AWS: request ${requestId} failed`, error);
        if (!response.headersSent) send(response, 500, { "Content-Type": "text/plain" }, `Internal error (request ${requestId})\n`);
        else response.destroy();
      });
  };
  const server = http.createServer(handleRequest);

  /** Controls for tests in another process (e.g. Playwright's): reset, and push a fixture image. */
  function handleLocalControl(path: string, request: ReceivedRequest, response: ServerResponse): void {
    if (request.method !== "POST") return send(response, 405, { Allow: "POST" });
    if (path === "/_local/reset") {
      reset();
      return send(response, 204, {});
    }
    if (path === "/_local/calls") return send(response, 200, { "Content-Type": "application/json" }, JSON.stringify(Object.fromEntries(calls)));
    if (path === "/_local/synthetic-images") {
      const input = JSON.parse(request.body.toString("utf8") || "{}") as SyntheticImageInput;
      if (!input.accountId || !input.region || !input.repository || !input.tag || !Array.isArray(input.layerSizes)) {
        return send(response, 400, { "Content-Type": "text/plain" }, "Send JSON with accountId, region, repository, tag and layerSizes (bytes).\n");
      }
      return send(response, 201, { "Content-Type": "application/json" }, JSON.stringify(pushSynthetic(input)));
    }
    if (path === "/_local/fixture-images") {
      let input: Partial<FixtureImageInput> = {};
      try {
        input = JSON.parse(request.body.toString("utf8") || "{}") as Partial<FixtureImageInput>;
      } catch {
        // Answered below as a request without the required fields.
      }
      if (!input.accountId || !input.region || !input.repository || !input.tag) {
        return send(response, 400, { "Content-Type": "text/plain" }, "Send JSON with accountId, region, repository and tag (and optionally format: docker|oci).\n");
      }
      return send(response, 201, { "Content-Type": "application/json" }, JSON.stringify(pushFixture(input as FixtureImageInput)));
    }
    send(response, 404, { "Content-Type": "text/plain" }, "Unknown control endpoint; there are POST /_local/reset and POST /_local/fixture-images.\n");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== "0.0.0.0" && options.host !== "::" ? options.host : "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  context.baseUrl = url;
  // "localhost" must reach this server whichever address it resolves to.
  const loopbackV6 = host === "127.0.0.1" ? await listenBestEffort(http.createServer(handleRequest), port, "::1") : undefined;
  context.layerStorageUrl = (clientHost) => {
    const hostname = clientHost?.replace(/:\d+$/, "");
    return `http://${hostname === "localhost" ? "127.0.0.1" : "localhost"}:${port}`;
  };
  persist();

  return {
    url,
    port,
    get state() {
      return context.state;
    },
    webIdentityChecks: verifier.checks,
    reset,
    registryHostname,
    registryUrl: (accountId, region) => `${url}/_registry/${registryHostname(accountId, region)}`,
    pushFixtureImage: pushFixture,
    pushSyntheticImage: pushSynthetic,
    callCounts: () => Object.fromEntries(calls),
    setRegistryFault: (fault) => {
      context.registryFault = fault;
    },
    expireRegistryTokens: () => {
      for (const token of Object.values(context.state.authTokens)) token.expiresAt = Math.min(token.expiresAt, now() - 1);
    },
    corruptBlob: ({ accountId, region, repository, digest }) => {
      const blob = context.state.repositories[repositoryKey(accountId, region, repository)]?.blobs[digest];
      if (!blob || blob.synthetic) throw new Error(`no stored (non-synthetic) blob ${digest} in ${repository}`);
      const data = Buffer.from(blob.data, "base64");
      data[data.length - 1] = data[data.length - 1]! ^ 0xff;
      blob.data = data.toString("base64");
    },
    close: async () => {
      await Promise.all([closeServer(server), loopbackV6 && closeServer(loopbackV6)]);
    },
  };
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

function listenBestEffort(server: http.Server, port: number, host: string): Promise<http.Server | undefined> {
  return new Promise((resolve) => {
    server.once("error", () => resolve(undefined));
    server.listen(port, host, () => resolve(server));
  });
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
