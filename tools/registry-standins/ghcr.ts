// GitHub Container Registry's shape: ghcr.io challenges with
// `Bearer realm="https://ghcr.io/token",service="ghcr.io"`; the token service
// takes the GitHub username and a personal access token (classic) with
// `read:packages` and answers `{"token": …}` only. As GHCR does, it answers
// 403 `denied: denied` to wrong credentials and to fine-grained tokens
// (`github_pat_…`, which GHCR does not accept), and 403 `permission_denied:
// The token provided does not match expected scopes.` when a classic token
// without read:packages asks for a repository (its bare login works). Public packages are pulled anonymously.
import { grantAccess, type AccessRule } from "../reference-registry/access";
import { basicCredentials, sendJson, startStandIn, type StandIn } from "./stand-in";

export interface GhcrToken {
  username: string;
  token: string;
  /** Default "classic"; a fine-grained token is refused as GHCR refuses it. */
  kind?: "classic" | "fine-grained";
  /** The classic token's OAuth scopes (default ["read:packages"]). */
  scopes?: string[];
  /** Packages the token's user may read (default all). */
  access?: AccessRule[];
}

export const GHCR_SERVICE = "ghcr.io";
const DENIED = { errors: [{ code: "DENIED", message: "denied" }] };
const WRONG_SCOPES = { errors: [{ code: "DENIED", message: "permission_denied: The token provided does not match expected scopes." }] };

export async function startGhcrStandIn(options: { tokens: GhcrToken[]; publicPackages?: string[] }): Promise<StandIn> {
  const publicAccess: AccessRule[] = (options.publicPackages ?? []).map((repository) => ({ repository, actions: ["pull"] }));
  return startStandIn({
    name: "ghcr",
    service: GHCR_SERVICE,
    realmPath: "/token",
    routes: [
      {
        match: "/token",
        async handler(request, response, url, context) {
          const credentials = basicCredentials(request.headers.authorization);
          let rules = publicAccess;
          if (credentials) {
            const token = options.tokens.find((candidate) => candidate.username.toLowerCase() === credentials.username.toLowerCase() && candidate.token === credentials.password);
            if (!token || token.kind === "fine-grained") return sendJson(response, 403, DENIED);
            const scopes = token.scopes ?? ["read:packages"];
            // The login itself (no repository scope) works; pulling needs read:packages.
            const readsPackages = scopes.some((scope) => scope === "read:packages" || scope === "write:packages" || scope === "delete:packages");
            if (!readsPackages && url.searchParams.getAll("scope").length > 0) return sendJson(response, 403, WRONG_SCOPES);
            rules = [...publicAccess, ...(token.access ?? [{ repository: "*", actions: ["pull"] }])];
          }
          const access = grantAccess(url.searchParams.getAll("scope"), rules);
          sendJson(response, 200, { token: await context.mintRegistryToken(credentials?.username ?? "", access) });
        },
      },
    ],
  });
}
