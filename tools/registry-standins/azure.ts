// Azure's shape, two services on one stand-in:
// - Microsoft Entra ID's token endpoint, `POST /<tenant>/oauth2/v2.0/token`
//   (client_credentials: client_id, client_secret, scope) answering
//   `{ token_type, expires_in, ext_expires_in, access_token }` or Entra's
//   error body with its AADSTS code (unknown tenant 90002, unknown application
//   700016, wrong secret 7000215, expired secret 7000222, bad scope 70011).
//   Workload identity federation: a client_assertion (jwt-bearer) is checked
//   as Entra does (oidc-verifier.ts: signature against the issuer's live
//   discovery document and JWKS, lifetime), then matched against the app's
//   federated credentials: issuer (700211), audience (700212), subject
//   (70021; a flexible credential's `claims['sub'] matches '…'` wildcard too),
//   the issuer unreachable 50166, a bad signature 700027, expired 700024.
//   The real host is login.microsoftonline.com: map it here with
//   AUTH_ENDPOINT_OVERRIDES.
// - Azure Container Registry (`<name>.azurecr.io`): challenges with
//   `Bearer realm="https://<name>.azurecr.io/oauth2/token",service="<name>.azurecr.io"`;
//   `POST /oauth2/exchange` (grant_type=access_token, service, tenant,
//   access_token: the Entra token) → `{ refresh_token }`; `POST /oauth2/token`
//   (grant_type=refresh_token, service, scope, refresh_token) →
//   `{ access_token }`; `GET /oauth2/token` with Basic credentials (an ACR
//   token's username and password, or a service principal's client ID and
//   secret). A service principal without AcrPull gets a token without the
//   pull scope, and the registry refuses the pull.
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { generateKeyPair, jwtVerify, SignJWT } from "jose";
import { grantAccess, type AccessRule } from "../reference-registry/access";
import { audiencesOf, readUnverifiedClaims, verifyWithLiveIssuer, type OriginResolver } from "./oidc-verifier";
import { readBody } from "../reference-registry/token-issuer";
import { basicCredentials, readForm, sendJson, startStandIn, type StandIn } from "./stand-in";

export interface EntraApplication {
  tenantId: string;
  clientId: string;
  secrets: { value: string; expired?: boolean }[];
  /** The service principal's role on the registry: AcrPull (or more) grants pulls of every repository, unless the registry uses ABAC. */
  acrPull: boolean;
  /**
   * Container Registry Repository Reader, the role an ABAC registry honours:
   * every repository, or those its condition names (`repositories`).
   */
  repositoryReader?: { repositories: RepositoryCondition[] | null };
  /** Workload identity federation: the app's (or managed identity's) federated identity credentials. */
  federatedCredentials?: FederatedCredential[];
}

/**
 * A federated identity credential: an exact issuer, subject and audiences;
 * or a flexible one, whose subject is a claims-matching expression such as
 * `claims['sub'] matches '*'` (the confused deputy: any subject of the issuer).
 */
export interface FederatedCredential {
  name: string;
  issuer: string;
  subject?: string;
  claimsMatchingExpression?: string;
  audiences: string[];
}

export const AZURE_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
/** The built-in AcrPull role's definition ID (the same in every tenant). */
export const ACR_PULL_ROLE_ID = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
/** The built-in Container Registry Repository Reader role's definition ID. */
export const REPOSITORY_READER_ROLE_ID = "b93aa761-3e63-49ed-ac28-beffa264f7ac";
export const REPOSITORY_READER_ROLE = "Container Registry Repository Reader";

/** ARM's `roleAssignmentMode` of a registry: ABAC registries ignore AcrPull. */
export type RoleAssignmentMode = "LegacyRegistryPermissions" | "AbacRepositoryPermissions";

/** One repository term of an ABAC condition: an exact name or a prefix, compared ignoring case (as the condition's operators say). */
export interface RepositoryCondition {
  operator: "StringEqualsIgnoreCase" | "StringStartsWithIgnoreCase";
  value: string;
}
export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export interface AcrToken {
  username: string;
  password: string;
  /** The token's scope map (default: pull everywhere). */
  access?: AccessRule[];
}

export const ACR_AAD_AUDIENCE = "https://containerregistry.azure.net";
const VALID_SCOPES = new Set([`${ACR_AAD_AUDIENCE}/.default`, "https://management.azure.com/.default"]);
const ACR_UNAUTHORIZED = { errors: [{ code: "UNAUTHORIZED", message: "authentication required, visit https://aka.ms/acr/authorization for more information." }] };

export interface AzureStandIn extends StandIn {
  /** `<name>.azurecr.io`: the registry's hostname and service. */
  hostname: string;
  /** Entra ID's state (apps, secrets, federated credentials, AcrPull): tests change it as the az commands would. */
  applications: EntraApplication[];
  /**
   * Entra ID's view of the network: an origin mapped here is fetched at the
   * mapped origin instead (map the portal's issuer to a closed port and Entra
   * cannot reach it, AADSTS50166, while the portal itself keeps working).
   */
  network: Map<string, string>;
  /** "AbacRepositoryPermissions": RBAC Registry + ABAC Repository Permissions (AcrPull is not honoured). */
  roleAssignmentMode: RoleAssignmentMode;
  /** What `az role assignment create --role <name> [--condition …]` (or ARM's PUT) does to the principal. */
  assignRole(clientId: string, role: string, condition?: string): void;
  /** `az role assignment delete --assignee … --role …`. */
  removeRole(clientId: string, role: string): void;
}

export async function startAzureStandIn(options: { registryName: string; applications?: EntraApplication[]; tokens?: AcrToken[]; roleAssignmentMode?: RoleAssignmentMode }): Promise<AzureStandIn> {
  const hostname = `${options.registryName}.azurecr.io`;
  const applications = options.applications ?? [];
  const network = new Map<string, string>();
  const resolve = (origin: string) => network.get(origin) ?? origin;
  const entraKey = await generateKeyPair("RS256", { extractable: true });
  // ACR's refresh tokens are its own business: signed with a key only this stand-in holds.
  const refreshKey = await generateKeyPair("ES256");

  function assignRole(clientId: string, role: string, condition?: string): void {
    const application = applications.find((candidate) => candidate.clientId === clientId);
    if (!application) throw new Error(`Principal ${clientId} does not exist in the directory.`);
    if (role === "AcrPull" || role === ACR_PULL_ROLE_ID) {
      if (condition !== undefined) throw new Error("The role AcrPull does not support conditions.");
      if (application.acrPull) throw new Error("RoleAssignmentExists: The role assignment already exists.");
      application.acrPull = true;
    } else if (role === REPOSITORY_READER_ROLE || role === REPOSITORY_READER_ROLE_ID) {
      // ARM keeps one assignment per principal, role and scope: a new condition needs the old assignment deleted first.
      if (application.repositoryReader) throw new Error("RoleAssignmentExists: The role assignment already exists.");
      application.repositoryReader = { repositories: condition === undefined ? null : parseRepositoryCondition(condition) };
    } else {
      throw new Error(`The role ${role} is not played by the stand-in.`);
    }
  }

  function removeRole(clientId: string, role: string): void {
    const application = applications.find((candidate) => candidate.clientId === clientId);
    if (!application) throw new Error(`Principal ${clientId} does not exist in the directory.`);
    if (role === "AcrPull") application.acrPull = false;
    else if (role === REPOSITORY_READER_ROLE) delete application.repositoryReader;
    else throw new Error(`The role ${role} is not played by the stand-in.`);
  }

  /**
   * What the principal may pull, as ACR's token service decides: AcrPull in a
   * legacy registry; in an ABAC registry only Container Registry Repository
   * Reader (every repository, or those of its condition), AcrPull ignored.
   */
  function pullRulesOf(application: EntraApplication): AccessRule[] {
    if (standIn.roleAssignmentMode === "LegacyRegistryPermissions") return application.acrPull ? [{ repository: "*", actions: ["pull"] }] : [];
    const reader = application.repositoryReader;
    if (!reader) return [];
    if (reader.repositories === null) return [{ repository: "*", actions: ["pull"] }];
    return reader.repositories.map((term) => ({ repository: term.operator === "StringEqualsIgnoreCase" ? term.value.toLowerCase() : `${term.value.toLowerCase()}*`, actions: ["pull"] }));
  }

  const standIn: StandIn & { roleAssignmentMode: RoleAssignmentMode } = Object.assign(await startStandIn({
    name: "azure",
    service: hostname,
    realmPath: "/oauth2/token",
    unauthorizedMessage: ACR_UNAUTHORIZED.errors[0]!.message,
    routes: [
      {
        match: (path) => /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path),
        async handler(request, response, url) {
          const tenant = url.pathname.split("/")[1]!;
          if (request.method !== "POST") return entraError(response, 405, "invalid_request", 900561, "The endpoint only accepts POST requests. Received a GET request.");
          const form = await readForm(request);
          if (!applications.some((application) => application.tenantId === tenant)) {
            return entraError(response, 400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
          }
          if (form.get("grant_type") !== "client_credentials") return entraError(response, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
          const clientId = form.get("client_id") ?? "";
          const application = applications.find((candidate) => candidate.tenantId === tenant && candidate.clientId === clientId);
          if (!application) {
            return entraError(response, 400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
          }
          if (form.has("client_assertion") || form.has("client_assertion_type")) {
            const refused = await checkFederatedAssertion(form, application, resolve);
            if (refused) return entraError(response, refused.status, refused.error, refused.code, refused.message);
            return issueAccessToken(form, tenant, clientId, response);
          }
          const secret = application.secrets.find((candidate) => candidate.value === form.get("client_secret"));
          if (!secret) {
            return entraError(response, 401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
          }
          if (secret.expired) {
            return entraError(response, 401, "invalid_client", 7000222, `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`);
          }
          return issueAccessToken(form, tenant, clientId, response);
        },
      },
      {
        // Microsoft Graph, as `az ad app federated-credential create --id <appId> --parameters …` calls it.
        match: (path) => /^\/v1\.0\/applications\(appId='[^']+'\)\/federatedIdentityCredentials$/.test(decodeURIComponent(path)),
        async handler(request, response, url) {
          if (request.method !== "POST" || !/^Bearer \S+/.test(request.headers.authorization ?? "")) return graphError(response, 401, "InvalidAuthenticationToken", "Access token is empty.");
          const appId = /appId='([^']+)'/.exec(decodeURIComponent(url.pathname))![1]!;
          const application = applications.find((candidate) => candidate.clientId === appId);
          if (!application) return graphError(response, 404, "Request_ResourceNotFound", `Resource '${appId}' does not exist or one of its queried reference-property objects are not present.`);
          let body: Partial<FederatedCredential> | null;
          try {
            body = JSON.parse(await readBody(request)) as Partial<FederatedCredential>;
          } catch {
            body = null;
          }
          if (!body || typeof body.name !== "string" || typeof body.issuer !== "string" || typeof body.subject !== "string" || !Array.isArray(body.audiences)) {
            return graphError(response, 400, "Request_BadRequest", "Invalid federated identity credential: name, issuer, subject and audiences are required.");
          }
          const credential: FederatedCredential = { name: body.name, issuer: body.issuer, subject: body.subject, audiences: body.audiences.filter((audience): audience is string => typeof audience === "string") };
          (application.federatedCredentials ??= []).push(credential);
          sendJson(response, 201, { id: randomUUID(), ...credential });
        },
      },
      {
        // Azure Resource Manager, as `az role assignment create --assignee <appId> --role AcrPull --scope <registry>` calls it.
        // The stand-in takes the assignee's client ID as principalId (ARM takes its object ID, which az looks up first).
        match: (path) => /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerRegistry\/registries\/[^/]+\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/.test(path),
        async handler(request, response, url) {
          if (request.method !== "PUT" || !/^Bearer \S+/.test(request.headers.authorization ?? "")) return graphError(response, 401, "AuthenticationFailed", "Authentication failed.");
          const registry = url.pathname.split("/")[8];
          let body: { properties?: { roleDefinitionId?: unknown; principalId?: unknown } } | null;
          try {
            body = JSON.parse(await readBody(request)) as typeof body;
          } catch {
            body = null;
          }
          const application = applications.find((candidate) => candidate.clientId === body?.properties?.principalId);
          if (!application || typeof body?.properties?.roleDefinitionId !== "string") return graphError(response, 400, "PrincipalNotFound", `Principal ${String(body?.properties?.principalId)} does not exist in the directory.`);
          if (`${registry}.azurecr.io` !== hostname) return graphError(response, 404, "ResourceNotFound", `The Resource 'Microsoft.ContainerRegistry/registries/${registry}' was not found.`);
          const condition = typeof (body.properties as { condition?: unknown }).condition === "string" ? (body.properties as { condition: string }).condition : undefined;
          const role = body.properties.roleDefinitionId.endsWith(`/${ACR_PULL_ROLE_ID}`) ? "AcrPull" : body.properties.roleDefinitionId.endsWith(`/${REPOSITORY_READER_ROLE_ID}`) ? REPOSITORY_READER_ROLE : null;
          try {
            if (role) assignRole(application.clientId, role, condition);
          } catch (error) {
            return graphError(response, 400, "InvalidConditionExpression", error instanceof Error ? error.message : "invalid condition");
          }
          sendJson(response, 201, { id: url.pathname, properties: body.properties });
        },
      },
      {
        match: "/oauth2/exchange",
        async handler(request, response, _url, context) {
          if (request.method !== "POST") return sendJson(response, 405, { errors: [{ code: "UNSUPPORTED", message: "The requested operation is not supported." }] });
          const form = await readForm(request);
          if (form.get("grant_type") !== "access_token") return sendJson(response, 400, { errors: [{ code: "UNSUPPORTED", message: `grant_type ${form.get("grant_type") ?? ""} is not supported` }] });
          if (form.get("service") !== hostname) return sendJson(response, 400, { errors: [{ code: "DENIED", message: `service ${form.get("service") ?? ""} does not match the registry ${hostname}` }] });
          const claims = await jwtVerify(form.get("access_token") ?? "", entraKey.publicKey, { audience: ACR_AAD_AUDIENCE }).then(
            (verified) => verified.payload,
            () => undefined,
          );
          if (!claims || (form.get("tenant") && claims.tid !== form.get("tenant"))) {
            return sendJson(response, 401, { errors: [{ code: "UNAUTHORIZED", message: "The access token is invalid, expired, or was not issued for Azure Container Registry (https://containerregistry.azure.net)." }] });
          }
          const refreshToken = await new SignJWT({ grant_type: "refresh_token", tenant: claims.tid, appid: claims.appid })
            .setProtectedHeader({ alg: "ES256", typ: "JWT" })
            .setIssuer(context.signer.issuer)
            .setAudience(hostname)
            .setSubject(String(claims.appid))
            .setIssuedAt()
            .setExpirationTime("3h")
            .sign(refreshKey.privateKey);
          sendJson(response, 200, { refresh_token: refreshToken });
        },
      },
      {
        match: "/oauth2/token",
        async handler(request, response, url, context) {
          let subject: string;
          let rules: AccessRule[];
          let scopes: string[];
          if (request.method === "POST") {
            const form = await readForm(request);
            scopes = form.getAll("scope");
            if (form.get("grant_type") !== "refresh_token") return sendJson(response, 400, { errors: [{ code: "UNSUPPORTED", message: `grant_type ${form.get("grant_type") ?? ""} is not supported` }] });
            if (form.get("service") !== hostname) return sendJson(response, 400, { errors: [{ code: "DENIED", message: `service ${form.get("service") ?? ""} does not match the registry ${hostname}` }] });
            const claims = await jwtVerify(form.get("refresh_token") ?? "", refreshKey.publicKey, { audience: hostname, issuer: context.signer.issuer }).then(
              (verified) => verified.payload,
              () => undefined,
            );
            if (!claims || claims.grant_type !== "refresh_token") return sendJson(response, 401, ACR_UNAUTHORIZED);
            const application = applications.find((candidate) => candidate.clientId === claims.appid && candidate.tenantId === claims.tenant);
            subject = String(claims.sub);
            rules = application ? pullRulesOf(application) : [];
          } else {
            scopes = url.searchParams.getAll("scope");
            const credentials = basicCredentials(request.headers.authorization);
            if (!credentials) return sendJson(response, 401, ACR_UNAUTHORIZED);
            const token = options.tokens?.find((candidate) => candidate.username === credentials.username && candidate.password === credentials.password);
            const application = applications.find((candidate) => candidate.clientId === credentials.username && candidate.secrets.some((secret) => !secret.expired && secret.value === credentials.password));
            if (!token && !application) return sendJson(response, 401, ACR_UNAUTHORIZED);
            subject = credentials.username;
            rules = token ? (token.access ?? [{ repository: "*", actions: ["pull"] }]) : pullRulesOf(application!);
          }
          sendJson(response, 200, { access_token: await context.mintRegistryToken(subject, grantAccess(scopes, rules)) });
        },
      },
    ],
  }), { roleAssignmentMode: options.roleAssignmentMode ?? ("LegacyRegistryPermissions" as RoleAssignmentMode) });

  /** The scope check and the app-only access token, after the client proved who it is. */
  async function issueAccessToken(form: URLSearchParams, tenant: string, clientId: string, response: http.ServerResponse): Promise<void> {
    const scope = form.get("scope") ?? "";
    if (!scope) return entraError(response, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
    if (!VALID_SCOPES.has(scope)) return entraError(response, 400, "invalid_scope", 70011, `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`);
    const accessToken = await new SignJWT({ tid: tenant, appid: clientId, oid: randomUUID(), idtyp: "app" })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuer(`https://sts.windows.net/${tenant}/`)
      .setAudience(scope.replace(/\/\.default$/, ""))
      .setSubject(clientId)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(entraKey.privateKey);
    sendJson(response, 200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken }, { "x-ms-request-id": randomUUID() });
  }

  return Object.assign(standIn, { hostname, applications, network, assignRole, removeRole });
}

interface EntraRefusal {
  status: number;
  error: string;
  code: number;
  message: string;
}

/**
 * Workload identity federation as Entra ID checks a client assertion: the
 * assertion type, a readable JWT, a federated credential with the token's
 * issuer, the signature and lifetime against the issuer's live discovery
 * document and JWKS, then the audience and the subject (exact, or a flexible
 * credential's expression). Null when the assertion is accepted.
 */
async function checkFederatedAssertion(form: URLSearchParams, application: EntraApplication, resolve: OriginResolver): Promise<EntraRefusal | null> {
  if (form.get("client_assertion_type") !== JWT_BEARER) {
    return { status: 400, error: "invalid_request", code: 50027, message: "Invalid client_assertion_type: only urn:ietf:params:oauth:client-assertion-type:jwt-bearer is supported." };
  }
  const assertion = form.get("client_assertion") ?? "";
  const unverified = readUnverifiedClaims(assertion);
  if (!unverified) return { status: 400, error: "invalid_request", code: 50027, message: "JWT token is invalid or malformed." };
  const credentials = (application.federatedCredentials ?? []).filter((credential) => credential.issuer === unverified.iss);
  if (credentials.length === 0) {
    return { status: 400, error: "invalid_request", code: 700211, message: `No matching federated identity record found for presented assertion issuer '${unverified.iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation` };
  }
  const verified = await verifyWithLiveIssuer(assertion, { resolve });
  if (!verified.ok) {
    switch (verified.reason) {
      case "issuer-unreachable":
        // Entra's own words, and nothing about why: it does not say which document or what failed.
        return { status: 400, error: "invalid_request", code: 50166, message: "Request to External OIDC endpoint failed." };
      case "expired":
      case "not-yet-valid":
        return { status: 401, error: "invalid_client", code: 700024, message: "Client assertion is not within its valid time range." };
      case "signature":
        return { status: 401, error: "invalid_client", code: 700027, message: "Client assertion failed signature validation." };
      default:
        return { status: 400, error: "invalid_request", code: 50027, message: "JWT token is invalid or malformed." };
    }
  }
  const { claims } = verified;
  const audiences = audiencesOf(claims);
  const forAudience = credentials.filter((credential) => credential.audiences.some((audience) => audiences.includes(audience)));
  if (forAudience.length === 0) {
    return { status: 400, error: "invalid_request", code: 700212, message: `No matching federated identity record found for presented assertion audience '${audiences.join(",")}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation` };
  }
  if (!forAudience.some((credential) => subjectMatches(credential, claims.sub))) {
    return {
      status: 400,
      error: "invalid_request",
      code: 70021,
      message: `No matching federated identity record found for presented assertion. Assertion Issuer: '${claims.iss}'. Assertion Subject: '${claims.sub}'. Assertion Audience: '${audiences.join(",")}'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    };
  }
  return null;
}

/** An exact subject, or a flexible credential's `claims['sub'] matches '<pattern>'` with * as wildcard. */
function subjectMatches(credential: FederatedCredential, subject: string): boolean {
  if (credential.subject !== undefined) return credential.subject === subject;
  const pattern = /^claims\['sub'\] matches '([^']*)'$/.exec(credential.claimsMatchingExpression?.trim() ?? "")?.[1];
  if (pattern === undefined) return false;
  const regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return regex.test(subject);
}

const READ_ACTIONS = ["Microsoft.ContainerRegistry/registries/repositories/content/read", "Microsoft.ContainerRegistry/registries/repositories/metadata/read"];
const REPOSITORY_TERM = /@Resource\[Microsoft\.ContainerRegistry\/registries\/repositories:name\]\s+(StringEqualsIgnoreCase|StringStartsWithIgnoreCase)\s+'([^']+)'/g;

/**
 * An ABAC condition of the shape ACR's documentation gives: the read actions
 * excluded (`!(ActionMatches{…})`) OR the repository name matching one of the
 * terms. Anything else is refused, as the stand-in cannot evaluate it.
 */
export function parseRepositoryCondition(condition: string): RepositoryCondition[] {
  const compact = condition.replace(/\s+/g, " ");
  for (const action of READ_ACTIONS) {
    if (!compact.includes(`!(ActionMatches{'${action}'})`)) throw new Error(`The condition must exclude ${action} for other repositories (the stand-in evaluates only ACR's documented shape).`);
  }
  const terms = [...compact.matchAll(REPOSITORY_TERM)].map((match) => ({ operator: match[1] as RepositoryCondition["operator"], value: match[2]! }));
  if (terms.length === 0) throw new Error("The condition names no repository (@Resource[Microsoft.ContainerRegistry/registries/repositories:name]).");
  return terms;
}

function graphError(response: http.ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, { error: { code, message, innerError: { "request-id": randomUUID(), date: new Date().toISOString() } } });
}

function entraError(response: http.ServerResponse, status: number, error: string, code: number, message: string): void {
  const traceId = randomUUID();
  response.setHeader("x-ms-request-id", traceId);
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  sendJson(response, status, {
    error,
    error_description: `AADSTS${code}: ${message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}
