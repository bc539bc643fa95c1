// Docker Hub's shape: the registry (registry-1.docker.io) challenges with
// `Bearer realm="https://auth.docker.io/token",service="registry.docker.io"`;
// auth.docker.io takes the Docker ID and a personal or organisation access
// token as Basic credentials and answers `{ token, access_token, expires_in,
// issued_at }`; wrong credentials get 401 `{"details":"incorrect username or
// password"}`. Without credentials it grants pulls of public repositories
// only. `registryFault` plays the pull rate limit (429 TOOMANYREQUESTS).
import { grantAccess, type AccessRule } from "../reference-registry/access";
import { basicCredentials, sendJson, startStandIn, tokenBody, type StandIn } from "./stand-in";

export interface DockerHubAccount {
  /** Docker ID (lower case, as Docker Hub stores it). */
  username: string;
  /** A personal or organisation access token (`dckr_pat_…` / `dckr_oat_…`). */
  token: string;
  /** What the token may do (default: pull everywhere): a "Public Repo Read-only" token has only the public repositories. */
  access?: AccessRule[];
}

export const DOCKER_HUB_SERVICE = "registry.docker.io";
export const DOCKER_HUB_RATE_LIMIT = {
  status: 429,
  body: { errors: [{ code: "TOOMANYREQUESTS", message: "You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit" }] },
};

export async function startDockerHubStandIn(options: { accounts: DockerHubAccount[]; publicRepositories?: string[]; realmOrigin?: string }): Promise<StandIn> {
  const publicAccess: AccessRule[] = (options.publicRepositories ?? []).map((repository) => ({ repository, actions: ["pull"] }));
  return startStandIn({
    name: "docker-hub",
    service: DOCKER_HUB_SERVICE,
    realmPath: "/token",
    realmOrigin: options.realmOrigin,
    routes: [
      {
        match: "/token",
        async handler(request, response, url, context) {
          if (url.searchParams.get("service") !== DOCKER_HUB_SERVICE) return sendJson(response, 400, { details: "invalid service" });
          const credentials = basicCredentials(request.headers.authorization);
          let rules = publicAccess;
          if (credentials) {
            const account = options.accounts.find((candidate) => candidate.username === credentials.username.toLowerCase() && candidate.token === credentials.password);
            if (!account) return sendJson(response, 401, { details: "incorrect username or password" });
            rules = [...publicAccess, ...(account.access ?? [{ repository: "*", actions: ["pull"] }])];
          }
          const access = grantAccess(url.searchParams.getAll("scope"), rules);
          sendJson(response, 200, tokenBody(await context.mintRegistryToken(credentials?.username ?? "", access), 300));
        },
      },
    ],
  });
}
