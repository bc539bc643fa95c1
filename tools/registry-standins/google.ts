// Google Artifact Registry's shape (`<location>-docker.pkg.dev`, and
// Container Registry's `gcr.io` hosts): the registry challenges with
// `Bearer realm="https://<host>/v2/token",service="<host>"`; the token
// endpoint takes `_json_key` (or `_json_key_base64`) as the username and a
// service account's JSON key file as the password, and answers
// `{ token, expires_in }`. The stand-in checks the key file as Google does: a
// service_account key of a known account, whose private key is the one
// Google holds for `private_key_id` and is not disabled or deleted (Google's
// OAuth answer then is `invalid_grant: Invalid JWT Signature.`). A pull the
// account may not make is refused at the token endpoint with 403 DENIED
// `Permission "artifactregistry.repositories.downloadArtifacts" denied on
// resource "projects/<p>/locations/<l>/repositories/<r>" (or it may not exist)`.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { parseScope, grantAccess, type AccessRule } from "../reference-registry/access";
import { readBody } from "../reference-registry/token-issuer";
import { applyGcloudScript } from "./gcloud";
import { handleGoogleAdminCall, isGoogleAdminPath } from "./google-admin-api";
import type { GoogleFederation } from "./google-federation";
import { basicCredentials, sendJson, startStandIn, type StandIn } from "./stand-in";

export interface GoogleServiceAccount {
  email: string;
  projectId: string;
  keys: { id: string; publicKeyPem: string; disabled?: boolean }[];
  /** Repositories (`<project>/<repository>/*`) it has Artifact Registry Reader on. */
  access: AccessRule[];
}

/** The JSON key file Google issues (IAM → Service accounts → Keys → Add key → JSON). */
export interface ServiceAccountKeyFile {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

/** A service account with one new key: the account for the stand-in and the key file for the vendor. */
export function createServiceAccountKey(input: { projectId: string; name: string; access?: AccessRule[] }): { account: GoogleServiceAccount; keyFile: ServiceAccountKeyFile } {
  const email = `${input.name}@${input.projectId}.iam.gserviceaccount.com`;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyId = randomBytes(20).toString("hex");
  return {
    account: { email, projectId: input.projectId, keys: [{ id: keyId, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() }], access: input.access ?? [{ repository: `${input.projectId}/*`, actions: ["pull"] }] },
    keyFile: {
      type: "service_account",
      project_id: input.projectId,
      private_key_id: keyId,
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      client_email: email,
      client_id: String(100000000000000000000n + BigInt(`0x${randomBytes(8).toString("hex")}`)),
      auth_uri: "https://accounts.google.com/o/oauth2/auth",
      token_uri: "https://oauth2.googleapis.com/token",
      auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
      universe_domain: "googleapis.com",
    },
  };
}

function unauthorized(message: string) {
  return { errors: [{ code: "UNAUTHORIZED", message }] };
}

/** `projects/<p>/locations/<l>/repositories/<r>` for a repository path on the host. */
function resourceName(hostname: string, repository: string): string {
  const [project = "", repo = "", ...rest] = repository.split("/");
  if (hostname.endsWith("gcr.io")) return `projects/${project}/locations/${hostname === "gcr.io" ? "us" : hostname.split(".")[0]}/repositories/${hostname}`;
  const location = hostname.replace(/-docker\.pkg\.dev$/, "");
  return `projects/${project}/locations/${location}/repositories/${rest.length > 0 || repo ? repo : ""}`;
}

/**
 * `federation`: a project with workload identity federation; the stand-in
 * then also answers STS (`POST /v1/token`) and IAM Credentials
 * (`…:generateAccessToken`), and its token endpoint takes `oauth2accesstoken`
 * with an access token either issued, checked against the project's
 * Artifact Registry Reader bindings.
 */
export async function startGoogleStandIn(options: { hostname?: string; serviceAccounts?: GoogleServiceAccount[]; federation?: GoogleFederation }): Promise<StandIn & { hostname: string }> {
  const federation = options.federation;
  const serviceAccounts = options.serviceAccounts ?? [];
  const hostname = options.hostname ?? "us-docker.pkg.dev";
  const location = hostname.replace(/-docker\.pkg\.dev$/, "");
  const standIn = await startStandIn({
    name: "google",
    service: hostname,
    realmPath: "/v2/token",
    routes: [
      ...(federation
        ? [
            { match: "/v1/token", handler: (request: IncomingMessage, response: ServerResponse) => federation.handleStsToken(request, response) },
            {
              match: (path: string) => /^\/v1\/projects\/[^/]+\/serviceAccounts\/[^/]+:generateAccessToken$/.test(path),
              handler: (request: IncomingMessage, response: ServerResponse, url: URL) => federation.handleGenerateAccessToken(request, response, url.pathname),
            },
            {
              // The admin calls of the setup's gcloud commands (IAM's pools and providers, the IAM policies).
              match: isGoogleAdminPath,
              handler: (request: IncomingMessage, response: ServerResponse, url: URL) => handleGoogleAdminCall(request, response, url, federation, location),
            },
            {
              // Test support: the gcloud commands a page shows, run as gcloud would (for specs in another process): they must name this stand-in's endpoints themselves (local mode's exported overrides).
              match: "/_stand-in/gcloud",
              async handler(request: IncomingMessage, response: ServerResponse) {
                if (request.method !== "POST") return sendJson(response, 405, { error: "POST the commands" });
                try {
                  await applyGcloudScript(await readBody(request));
                  sendJson(response, 200, { applied: true });
                } catch (error) {
                  sendJson(response, 400, { error: error instanceof Error ? error.message : String(error) });
                }
              },
            },
          ]
        : []),
      {
        match: "/v2/token",
        async handler(request, response, url, context) {
          const scopes = url.searchParams.getAll("scope");
          const credentials = basicCredentials(request.headers.authorization);
          let account: { email: string; access: AccessRule[] } | undefined;
          if (credentials?.username === "oauth2accesstoken") {
            const principal = federation?.principalOf(credentials.password) ?? null;
            // Artifact Registry's answer to an expired or unknown access token.
            if (!principal) return sendJson(response, 401, unauthorized("failed authentication"));
            account = { email: principal.kind === "service-account" ? principal.email : `${principal.poolId}/${principal.subject}`, access: federation!.readerAccess(principal) };
          } else if (credentials) {
            let keyText = credentials.password;
            if (credentials.username === "_json_key_base64") keyText = Buffer.from(keyText, "base64").toString("utf8");
            else if (credentials.username !== "_json_key") return sendJson(response, 401, unauthorized(`Unsupported username "${credentials.username}": use _json_key with a service account key file, or oauth2accesstoken with an access token.`));
            const checked = checkKeyFile(keyText, serviceAccounts);
            if ("error" in checked) return sendJson(response, 401, unauthorized(checked.error));
            account = checked.account;
          }
          const granted = grantAccess(scopes, account?.access ?? []);
          for (const scope of scopes.flatMap((value) => value.split(" ")).map(parseScope)) {
            if (!scope || scope.type !== "repository") continue;
            const grant = granted.find((candidate) => candidate.name === scope.name);
            if (!grant || !scope.actions.every((action) => grant.actions.includes(action))) {
              const prefix = account ? "" : "Unauthenticated requests do not have ";
              const message = account
                ? `Permission "artifactregistry.repositories.downloadArtifacts" denied on resource "${resourceName(hostname, scope.name)}" (or it may not exist)`
                : `${prefix}permission "artifactregistry.repositories.downloadArtifacts" on resource "${resourceName(hostname, scope.name)}" (or it may not exist)`;
              return sendJson(response, account ? 403 : 401, { errors: [{ code: account ? "DENIED" : "UNAUTHORIZED", message }] });
            }
          }
          sendJson(response, 200, { token: await context.mintRegistryToken(account?.email ?? "", granted, 3600), expires_in: 3600 });
        },
      },
    ],
  });
  return Object.assign(standIn, { hostname });
}

function checkKeyFile(text: string, accounts: GoogleServiceAccount[]): { account: GoogleServiceAccount } | { error: string } {
  let key: Partial<ServiceAccountKeyFile>;
  try {
    key = JSON.parse(text) as Partial<ServiceAccountKeyFile>;
  } catch {
    return { error: "The password is not a JSON key file: expected the service account key Google issued, as JSON." };
  }
  if (key.type !== "service_account") return { error: `invalid_grant: key type ${JSON.stringify(key.type ?? null)} is not a service_account key.` };
  const account = accounts.find((candidate) => candidate.email === key.client_email);
  if (!account) return { error: "invalid_grant: Invalid grant: account not found" };
  const registered = account.keys.find((candidate) => candidate.id === key.private_key_id);
  let matches = false;
  try {
    const presented = createPublicKey(key.private_key ?? "").export({ type: "spki", format: "der" });
    matches = !!registered && presented.equals(createPublicKey(registered.publicKeyPem).export({ type: "spki", format: "der" }));
  } catch {
    matches = false;
  }
  if (!registered || registered.disabled || !matches) return { error: "invalid_grant: Invalid JWT Signature." };
  return { account };
}
