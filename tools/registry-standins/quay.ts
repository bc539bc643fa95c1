// Quay's shape (quay.io and self-hosted Red Hat Quay): the registry
// challenges with `Bearer realm="https://<host>/v2/auth",service="<host>"`;
// /v2/auth takes a robot account (`org+name`) and its token as Basic
// credentials and answers `{"token": …}`. A wrong robot token gets Quay's 401
// `Could not find robot with username: <name> and supplied password.`; a robot
// without read permission on a repository gets a token without that scope
// (Quay downscopes), which the registry then refuses.
import { grantAccess, type AccessRule } from "../reference-registry/access";
import { basicCredentials, sendJson, startStandIn, type StandIn } from "./stand-in";

export interface QuayRobot {
  /** `org+name` */
  name: string;
  token: string;
  /** Repositories the robot has read (or more) on (default: every repository of its organisation). */
  access?: AccessRule[];
}

export async function startQuayStandIn(options: { robots: QuayRobot[]; service?: string }): Promise<StandIn> {
  const service = options.service ?? "quay.io";
  return startStandIn({
    name: "quay",
    service,
    realmPath: "/v2/auth",
    routes: [
      {
        match: "/v2/auth",
        async handler(request, response, url, context) {
          const credentials = basicCredentials(request.headers.authorization);
          if (!credentials) return sendJson(response, 200, { token: await context.mintRegistryToken("", []) });
          const robot = options.robots.find((candidate) => candidate.name === credentials.username);
          if (!robot || robot.token !== credentials.password) {
            const message = credentials.username.includes("+") ? `Could not find robot with username: ${credentials.username} and supplied password.` : "Invalid Username or Password";
            return sendJson(response, 401, { errors: [{ code: "UNAUTHORIZED", detail: {}, message }] });
          }
          const organisation = robot.name.split("+")[0]!;
          const access = grantAccess(url.searchParams.getAll("scope"), robot.access ?? [{ repository: `${organisation}/*`, actions: ["pull"] }]);
          sendJson(response, 200, { token: await context.mintRegistryToken(robot.name, access) });
        },
      },
    ],
  });
}
