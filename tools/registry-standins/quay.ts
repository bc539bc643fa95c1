// Quay's shape (quay.io and self-hosted Red Hat Quay): the registry
// challenges with `Bearer realm="https://<host>/v2/auth",service="<host>"`;
// /v2/auth takes a robot account (`org+name`) and its token as Basic
// credentials and answers `{"token": …}`. A wrong robot token gets Quay's 401
// `Could not find robot with username: <name> and supplied password.`; a robot
// without read permission on a repository gets a token without that scope
// (Quay downscopes), which the registry then refuses.
//
// Robot account federation (Quay's endpoints/oauth/robot_identity_federation.py
// and util/security/federated_robot_auth.py): `GET /oauth2/federation/robot/token`
// with Basic `<org+robot>:<an OIDC token>` verifies the token as Quay does
// (the issuer must be one of the robot's federation entries; signature and
// lifetime against the issuer's live discovery document and JWKS; no audience
// check, as Quay without configured audiences; the subject must be an entry's
// subject) and answers `{"token": …}`, a robot token valid for an hour that
// /v2/auth accepts as the robot's password. Refusals are 401 `{"error": …}`
// with Quay's texts. An entry with `anySubject` models a federation that does
// not pin the subject (the confused deputy).
//
// The API the setup guide's commands call, with `Authorization: Bearer
// <adminToken>`: `PUT /api/v1/organization/<org>/robots/<name>` (create),
// `PUT /api/v1/repository/<org>/<repo>/permissions/user/<org+name>`
// (`{"role":"read"}`), `POST /api/v1/organization/<org>/robots/<name>/federation`
// (`[{"issuer","subject"}]`, replacing the entries, as Quay's API does).
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { generateKeyPair, jwtVerify, SignJWT } from "jose";
import { grantAccess, type AccessRule } from "../reference-registry/access";
import { readBody } from "../reference-registry/token-issuer";
import { readUnverifiedClaims, verifyWithLiveIssuer } from "./oidc-verifier";
import { basicCredentials, sendJson, startStandIn, type StandIn } from "./stand-in";

export interface QuayFederationEntry {
  issuer: string;
  subject: string;
  /** Models a federation that does not check the subject: any subject of the issuer gets the robot. */
  anySubject?: boolean;
}

export interface QuayRobot {
  /** `org+name` */
  name: string;
  /** The robot's own token (none: a robot used only through federation). */
  token?: string;
  /** Repositories the robot has read (or more) on (default: every repository of its organisation). */
  access?: AccessRule[];
  federation?: QuayFederationEntry[];
}

export interface QuayStandIn extends StandIn {
  /** Quay's robots, as its API (and tests) change them. */
  robots: QuayRobot[];
}

/** Quay's TMP_ROBOT_TOKEN_VALIDITY_LIFETIME_S. */
const ROBOT_TOKEN_SECONDS = 3600;

export async function startQuayStandIn(options: { robots: QuayRobot[]; service?: string; adminToken?: string }): Promise<QuayStandIn> {
  const service = options.service ?? "quay.io";
  const robots = options.robots;
  const robotTokenKey = await generateKeyPair("ES256");
  const isRobotToken = async (robot: QuayRobot, password: string) =>
    jwtVerify(password, robotTokenKey.publicKey, { audience: service, subject: robot.name }).then(
      () => true,
      () => false,
    );
  const admin = (request: http.IncomingMessage, response: http.ServerResponse): boolean => {
    if (options.adminToken && request.headers.authorization === `Bearer ${options.adminToken}`) return true;
    sendJson(response, 401, { error: "Unauthorized", error_message: "Requires authentication", status: 401 });
    return false;
  };

  const standIn = await startStandIn({
    name: "quay",
    service,
    realmPath: "/v2/auth",
    routes: [
      {
        match: "/v2/auth",
        async handler(request, response, url, context) {
          const credentials = basicCredentials(request.headers.authorization);
          if (!credentials) return sendJson(response, 200, { token: await context.mintRegistryToken("", []) });
          const robot = robots.find((candidate) => candidate.name === credentials.username);
          const valid = robot && ((robot.token !== undefined && robot.token === credentials.password) || (await isRobotToken(robot, credentials.password)));
          if (!robot || !valid) {
            const message = credentials.username.includes("+") ? `Could not find robot with username: ${credentials.username} and supplied password.` : "Invalid Username or Password";
            return sendJson(response, 401, { errors: [{ code: "UNAUTHORIZED", detail: {}, message }] });
          }
          const organisation = robot.name.split("+")[0]!;
          const access = grantAccess(url.searchParams.getAll("scope"), robot.access ?? [{ repository: `${organisation}/*`, actions: ["pull"] }]);
          sendJson(response, 200, { token: await context.mintRegistryToken(robot.name, access) });
        },
      },
      {
        match: "/oauth2/federation/robot/token",
        async handler(request, response) {
          const refuse = (error: string) => sendJson(response, 401, { error }, { "x-request-id": randomUUID() });
          const credentials = basicCredentials(request.headers.authorization);
          if (!credentials) return refuse("missing auth");
          if (!/^[^+]+\+[^+]+$/.test(credentials.username)) return refuse("Invalid robot");
          const robot = robots.find((candidate) => candidate.name === credentials.username);
          if (!robot) return refuse(`Could not find robot with username: ${credentials.username}`);
          const unverified = readUnverifiedClaims(credentials.password);
          if (!unverified) return refuse("Token does not contain issuer");
          const entries = robot.federation ?? [];
          if (entries.length === 0) return refuse("Robot does not have federated login configured");
          const forIssuer = entries.filter((entry) => entry.issuer === unverified.iss);
          if (forIssuer.length === 0) return refuse(`issuer ${unverified.iss} not configured for this robot`);
          const verified = await verifyWithLiveIssuer(credentials.password);
          if (!verified.ok) return refuse(`Invalid token: ${verified.detail}`);
          if (!forIssuer.some((entry) => entry.anySubject || entry.subject === verified.claims.sub)) return refuse("Token does not match robot");
          const token = await new SignJWT({ context: { kind: "robot" } })
            .setProtectedHeader({ alg: "ES256", typ: "JWT" })
            .setIssuer("quay")
            .setAudience(service)
            .setSubject(robot.name)
            .setIssuedAt()
            .setExpirationTime(`${ROBOT_TOKEN_SECONDS}s`)
            .sign(robotTokenKey.privateKey);
          sendJson(response, 200, { token }, { "x-request-id": randomUUID() });
        },
      },
      {
        match: (path) => /^\/api\/v1\/organization\/[^/]+\/robots\/[^/]+(\/federation)?$/.test(path),
        async handler(request, response, url) {
          if (!admin(request, response)) return;
          const [, , , , organisation, , shortname, federation] = url.pathname.split("/");
          const name = `${organisation}+${shortname}`;
          if (!federation) {
            if (request.method !== "PUT") return sendJson(response, 405, { error: "method not allowed" });
            if (robots.some((robot) => robot.name === name)) return sendJson(response, 400, { error_message: `Existing robot with name: ${name}`, error_type: "invalid_request" });
            robots.push({ name, access: [], federation: [] });
            return sendJson(response, 201, { name, created: new Date().toUTCString(), description: "" });
          }
          const robot = robots.find((candidate) => candidate.name === name);
          if (!robot) return sendJson(response, 404, { error_message: `Could not find robot with username: ${name}`, status: 404 });
          if (request.method !== "POST") return sendJson(response, 405, { error: "method not allowed" });
          let entries: unknown;
          try {
            entries = JSON.parse(await readBody(request));
          } catch {
            entries = null;
          }
          if (!Array.isArray(entries) || entries.some((entry) => !entry || typeof entry.issuer !== "string" || typeof entry.subject !== "string" || !entry.issuer || !entry.subject)) {
            return sendJson(response, 400, { error_message: "Missing one or more required fields (issuer, subject)", error_type: "invalid_request" });
          }
          robot.federation = (entries as { issuer: string; subject: string }[]).map(({ issuer, subject }) => ({ issuer, subject }));
          sendJson(response, 200, robot.federation);
        },
      },
      {
        match: (path) => /^\/api\/v1\/repository\/[^/]+\/[^/]+\/permissions\/user\/[^/]+$/.test(path),
        async handler(request, response, url) {
          if (!admin(request, response)) return;
          const [, , , , organisation, repository, , , username] = url.pathname.split("/");
          const robot = robots.find((candidate) => candidate.name === decodeURIComponent(username!));
          if (!robot) return sendJson(response, 400, { error_message: `Invalid username: ${decodeURIComponent(username!)}`, error_type: "invalid_request" });
          const role = (JSON.parse((await readBody(request)) || "{}") as { role?: unknown }).role;
          if (role !== "read" && role !== "write" && role !== "admin") return sendJson(response, 400, { error_message: "Invalid role", error_type: "invalid_request" });
          robot.access = [...(robot.access ?? []), { repository: `${organisation}/${repository}`, actions: ["pull"] }];
          sendJson(response, 200, { role, name: robot.name, is_robot: true });
        },
      },
    ],
  });
  return Object.assign(standIn, { robots });
}
