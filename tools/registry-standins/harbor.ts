// Harbor's shape, standing for the "any OCI registry" provider with token
// auth: the registry challenges with
// `Bearer realm="https://<host>/service/token",service="harbor-registry"`;
// /service/token takes a user or robot account (`robot$<project>+<name>`)
// and its secret, or nothing for public projects, and answers
// `{ token, access_token, expires_in, issued_at }`; wrong credentials get 401
// `UNAUTHORIZED`. (Basic-only registries such as Nexus are played by the
// reference registry in htpasswd mode.)
import { grantAccess, type AccessRule } from "../reference-registry/access";
import { basicCredentials, sendJson, startStandIn, tokenBody, type StandIn } from "./stand-in";

export interface HarborAccount {
  username: string;
  password: string;
  /** Default: pull on every project. */
  access?: AccessRule[];
}

export const HARBOR_SERVICE = "harbor-registry";

export async function startHarborStandIn(options: { accounts: HarborAccount[]; publicProjects?: string[] }): Promise<StandIn> {
  const publicAccess: AccessRule[] = (options.publicProjects ?? []).map((project) => ({ repository: `${project}/*`, actions: ["pull"] }));
  return startStandIn({
    name: "harbor",
    service: HARBOR_SERVICE,
    realmPath: "/service/token",
    routes: [
      {
        match: "/service/token",
        async handler(request, response, url, context) {
          const credentials = basicCredentials(request.headers.authorization);
          let rules = publicAccess;
          if (credentials) {
            const account = options.accounts.find((candidate) => candidate.username === credentials.username && candidate.password === credentials.password);
            if (!account) return sendJson(response, 401, { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] });
            rules = [...publicAccess, ...(account.access ?? [{ repository: "*", actions: ["pull"] }])];
          }
          const access = grantAccess(url.searchParams.getAll("scope"), rules);
          sendJson(response, 200, tokenBody(await context.mintRegistryToken(credentials?.username ?? "", access), 1800));
        },
      },
    ],
  });
}
