// GitLab's shape (registry.gitlab.com and self-hosted): the registry
// challenges with `Bearer realm="https://gitlab.com/jwt/auth",service="container_registry"`
// (the realm is on the GitLab host, not the registry's); /jwt/auth takes a
// deploy token (`gitlab+deploy-token-<n>` or any username for an access token)
// and answers `{"token": …}`. Wrong credentials get GitLab's 401 `HTTP Basic:
// Access denied…`; a token without `read_registry` gets 403 `access
// forbidden` for any repository; a project the token is not for is left out of the token.
import { grantAccess } from "../reference-registry/access";
import { basicCredentials, sendJson, startStandIn, type StandIn } from "./stand-in";

export interface GitlabToken {
  username: string;
  token: string;
  /** Default ["read_registry"]. */
  scopes?: string[];
  /** Projects (`group/project`) whose images the token may pull. */
  projects: string[];
}

export const GITLAB_SERVICE = "container_registry";
const ACCESS_DENIED =
  "HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped.";

export async function startGitlabStandIn(options: { tokens: GitlabToken[]; realmOrigin?: string }): Promise<StandIn> {
  return startStandIn({
    name: "gitlab",
    service: GITLAB_SERVICE,
    realmPath: "/jwt/auth",
    realmOrigin: options.realmOrigin,
    routes: [
      {
        match: "/jwt/auth",
        async handler(request, response, url, context) {
          if (url.searchParams.get("service") !== GITLAB_SERVICE) return sendJson(response, 400, { errors: [{ code: "DENIED", message: "invalid service" }] });
          const credentials = basicCredentials(request.headers.authorization);
          const token = credentials && options.tokens.find((candidate) => candidate.username === credentials.username && candidate.token === credentials.password);
          if (!credentials || !token) return sendJson(response, 401, { errors: [{ code: "UNAUTHORIZED", message: ACCESS_DENIED }] });
          // A token without read_registry may log in (no scope) but is refused any repository.
          if (!(token.scopes ?? ["read_registry"]).includes("read_registry") && url.searchParams.getAll("scope").length > 0) return sendJson(response, 403, { errors: [{ code: "DENIED", message: "access forbidden" }] });
          const rules = token.projects.flatMap((project) => [
            { repository: project, actions: ["pull" as const] },
            { repository: `${project}/*`, actions: ["pull" as const] },
          ]);
          sendJson(response, 200, { token: await context.mintRegistryToken(token.username, grantAccess(url.searchParams.getAll("scope"), rules)) });
        },
      },
    ],
  });
}
