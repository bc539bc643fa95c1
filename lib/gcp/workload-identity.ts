// Google Cloud Workload Identity Federation with the portal as the OIDC
// issuer: the names Google gives the pieces (the provider's canonical name,
// which is also the token's audience; the principal of the team's subject;
// the whole pool's principal set), the checks of the values a vendor types,
// and the setup a vendor applies (gcloud commands that paste, and Terraform
// JSON). Pure: the form's live guide and the server share it.
import type { ParseResult } from "@/lib/parse-result";

export interface GoogleFederationSettings {
  /** The project's number (digits), not its ID: federation names use the number. */
  projectNumber: string;
  poolId: string;
  providerId: string;
  /** The service account to impersonate, when the vendor's policy requires one. */
  serviceAccount?: string | undefined;
}

export const GOOGLE_STS_HOST = "sts.googleapis.com";
export const GOOGLE_IAM_CREDENTIALS_HOST = "iamcredentials.googleapis.com";
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
export const ROLE_ARTIFACT_REGISTRY_READER = "roles/artifactregistry.reader";
export const ROLE_WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser";
/** The username Artifact Registry and Container Registry take with an OAuth access token as the password. */
export const ACCESS_TOKEN_USERNAME = "oauth2accesstoken";

export const DEFAULT_POOL_ID = "vendor-portal";
export const DEFAULT_PROVIDER_ID = "vendor-portal-oidc";

export const GOOGLE_FIELD_MESSAGES = {
  projectNumber: "Project number must be the project's number (6 to 20 digits, shown on the Google Cloud console's dashboard, or: gcloud projects describe <project-id> --format='value(projectNumber)'), not its ID.",
  poolId: "Pool ID must be 4 to 32 lower-case letters, digits or hyphens, and must not start with gcp-, e.g. vendor-portal.",
  providerId: "Provider ID must be 4 to 32 lower-case letters, digits or hyphens, and must not start with gcp-, e.g. vendor-portal-oidc.",
  serviceAccount: "Service account must be an email like portal-pull@my-project.iam.gserviceaccount.com, or empty to grant the pool's principal directly.",
} as const;

const ID = /^[a-z0-9-]{4,32}$/;

export function parseProjectNumber(input: string): ParseResult<string> {
  const value = input.trim();
  return /^\d{6,20}$/.test(value) ? { ok: true, value } : { ok: false, message: GOOGLE_FIELD_MESSAGES.projectNumber };
}

export function parseFederationId(input: string, field: "poolId" | "providerId"): ParseResult<string> {
  const value = input.trim();
  return ID.test(value) && !value.startsWith("gcp-") ? { ok: true, value } : { ok: false, message: GOOGLE_FIELD_MESSAGES[field] };
}

/** Empty: no impersonation. */
export function parseServiceAccountEmail(input: string): ParseResult<string | undefined> {
  const value = input.trim().toLowerCase();
  if (value === "") return { ok: true, value: undefined };
  return /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/.test(value)
    ? { ok: true, value }
    : { ok: false, message: GOOGLE_FIELD_MESSAGES.serviceAccount };
}

/** The stored settings as Google's, or null while any required value is missing or malformed. */
export function googleSettingsOf(settings: { projectNumber?: string | undefined; poolId?: string | undefined; providerId?: string | undefined; serviceAccount?: string | undefined }): GoogleFederationSettings | null {
  const project = parseProjectNumber(settings.projectNumber ?? "");
  const pool = parseFederationId(settings.poolId ?? "", "poolId");
  const provider = parseFederationId(settings.providerId ?? "", "providerId");
  const account = parseServiceAccountEmail(settings.serviceAccount ?? "");
  if (!project.ok || !pool.ok || !provider.ok || !account.ok) return null;
  return { projectNumber: project.value, poolId: pool.value, providerId: provider.value, ...(account.value ? { serviceAccount: account.value } : {}) };
}

function poolPath(settings: Pick<GoogleFederationSettings, "projectNumber" | "poolId">): string {
  return `//iam.googleapis.com/projects/${settings.projectNumber}/locations/global/workloadIdentityPools/${settings.poolId}`;
}

/** The provider's canonical name: STS's `audience` parameter and the portal token's `aud`. */
export function workloadIdentityProviderName(settings: GoogleFederationSettings): string {
  return `${poolPath(settings)}/providers/${settings.providerId}`;
}

/** The IAM member for exactly the team's subject in the pool. */
export function subjectPrincipal(settings: GoogleFederationSettings, subject: string): string {
  return `principal:${poolPath(settings)}/subject/${subject}`;
}

/** The IAM member for every identity of the pool: unsafe without an attribute condition. */
export function poolPrincipalSet(settings: GoogleFederationSettings): string {
  return `principalSet:${poolPath(settings)}/*`;
}

/** The attribute condition that admits only the team's subject. */
export function subjectCondition(subject: string): string {
  return `assertion.sub=='${subject}'`;
}

/** `europe-west1-docker.pkg.dev` → `europe-west1`; Container Registry hosts have no Artifact Registry location. */
export function artifactRegistryLocation(hostname: string): string | null {
  return /^([a-z]+(?:-[a-z]+\d*)?)-docker\.pkg\.dev$/.exec(hostname)?.[1] ?? null;
}

/** `<project-id>/<repository>/<image>` → its project ID and repository ID. */
export function artifactRegistryRepository(image: string | undefined): { projectId: string; repository: string } | null {
  const [projectId, repository, ...rest] = (image ?? "").split("/");
  return projectId && repository && rest.length > 0 ? { projectId, repository } : null;
}

export interface GoogleSetupInput {
  issuerUrl: string;
  subject: string;
  hostname: string;
  /** Whatever the vendor typed so far; placeholders stand in for the rest. */
  settings: Partial<GoogleFederationSettings>;
  /** An image of the registry (`<project-id>/<repository>/<image>`), to name the repository. */
  image?: string | undefined;
}

export interface GoogleSetupCommand {
  id: "create-pool" | "create-provider" | "grant-reader" | "grant-impersonation" | "grant-reader-to-service-account";
  title: string;
  body: string;
  command: string;
}

export interface GoogleSetup {
  /** The values the commands use (typed or placeholders). */
  values: { projectNumber: string; poolId: string; providerId: string; serviceAccount: string | null; location: string; repository: string; audience: string; principal: string };
  commands: GoogleSetupCommand[];
  /** Terraform JSON (main.tf.json) that creates the same. */
  terraform: string;
  /** For a portal Google cannot reach: the provider with an uploaded JWKS. */
  uploadedJwks: { command: string; note: string };
}

/**
 * Whether Google, on the public internet, cannot fetch the issuer's documents:
 * not https, or a loopback, private or link-local host. Then only the
 * provider's uploaded JWKS works.
 */
export function issuerUnreachableFromGoogle(issuerUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(issuerUrl);
  } catch {
    return true;
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (url.protocol !== "https:") return true;
  return host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || host.endsWith(".local") || /^(?:127|10)\.|^192\.168\.|^172\.(?:1[6-9]|2\d|3[01])\.|^169\.254\.|^::1$|^f[cd][0-9a-f]{2}:/i.test(host);
}

/** The setup, shown before anything exists in Google: gcloud commands that paste, and Terraform JSON. */
export function buildGoogleSetup(input: GoogleSetupInput): GoogleSetup {
  const projectNumber = input.settings.projectNumber || "<project-number>";
  const poolId = input.settings.poolId || DEFAULT_POOL_ID;
  const providerId = input.settings.providerId || DEFAULT_PROVIDER_ID;
  const serviceAccount = input.settings.serviceAccount || null;
  const location = artifactRegistryLocation(input.hostname) ?? "<location>";
  const knownRepository = artifactRegistryRepository(input.image)?.repository;
  const repository = knownRepository ?? "<repository>";
  const replaceRepository = knownRepository ? "" : " Replace <repository> with the repository's ID (the middle part of an image name <project-id>/<repository>/<image>).";
  const settings = { projectNumber, poolId, providerId };
  const principal = subjectPrincipal(settings, input.subject);
  const condition = subjectCondition(input.subject);
  const project = `--project=${projectNumber}`;
  const readerMember = serviceAccount ? `serviceAccount:${serviceAccount}` : principal;

  const commands: GoogleSetupCommand[] = [
    {
      id: "create-pool",
      title: "Create a workload identity pool",
      body: "A pool holds the identities Google accepts from outside. One pool for this portal is enough.",
      command: `gcloud iam workload-identity-pools create ${poolId} ${project} --location=global --display-name="Vendor portal"`,
    },
    {
      id: "create-provider",
      title: "Trust the portal's issuer, for your team only",
      body: `The provider trusts tokens the portal signs. The attribute condition admits only your team's subject (${input.subject}); without it, any team of this portal could use your registry.${
        issuerUnreachableFromGoogle(input.issuerUrl) ? ` This portal's issuer (${input.issuerUrl}) is not a public https address, so Google cannot fetch its keys: create the provider with the uploaded keys instead (the last step).` : ""
      }`,
      command: [
        `gcloud iam workload-identity-pools providers create-oidc ${providerId} ${project} --location=global \\`,
        `  --workload-identity-pool=${poolId} \\`,
        `  --issuer-uri="${input.issuerUrl}" \\`,
        `  --attribute-mapping="google.subject=assertion.sub" \\`,
        `  --attribute-condition="${condition}"`,
      ].join("\n"),
    },
    ...(serviceAccount
      ? ([
          {
            id: "grant-impersonation",
            title: "Let your team's subject impersonate the service account",
            body: "Workload Identity User on the service account, for your team's principal only.",
            command: `gcloud iam service-accounts add-iam-policy-binding ${serviceAccount} ${project} \\\n  --role=${ROLE_WORKLOAD_IDENTITY_USER} \\\n  --member="${principal}"`,
          },
          {
            id: "grant-reader-to-service-account",
            title: "Let the service account read the repository",
            body: `Artifact Registry Reader on the repository.${replaceRepository}`,
            command: `gcloud artifacts repositories add-iam-policy-binding ${repository} ${project} --location=${location} \\\n  --role=${ROLE_ARTIFACT_REGISTRY_READER} \\\n  --member="${readerMember}"`,
          },
        ] as const)
      : ([
          {
            id: "grant-reader",
            title: "Let your team's principal read the repository",
            body: `Artifact Registry Reader on the repository, for exactly your team's subject (not the whole pool).${replaceRepository}`,
            command: `gcloud artifacts repositories add-iam-policy-binding ${repository} ${project} --location=${location} \\\n  --role=${ROLE_ARTIFACT_REGISTRY_READER} \\\n  --member="${readerMember}"`,
          },
        ] as const)),
  ];

  const resources: Record<string, Record<string, Record<string, unknown>>> = {
    google_iam_workload_identity_pool: { vendor_portal: { project: projectNumber, workload_identity_pool_id: poolId, display_name: "Vendor portal" } },
    google_iam_workload_identity_pool_provider: {
      vendor_portal: {
        project: projectNumber,
        workload_identity_pool_id: "${google_iam_workload_identity_pool.vendor_portal.workload_identity_pool_id}",
        workload_identity_pool_provider_id: providerId,
        attribute_mapping: { "google.subject": "assertion.sub" },
        attribute_condition: condition,
        oidc: { issuer_uri: input.issuerUrl },
      },
    },
    google_artifact_registry_repository_iam_member: {
      vendor_portal_reader: { project: projectNumber, location, repository, role: ROLE_ARTIFACT_REGISTRY_READER, member: readerMember },
    },
  };
  if (serviceAccount) {
    resources.google_service_account_iam_member = {
      vendor_portal_impersonation: { service_account_id: `projects/${projectNumber}/serviceAccounts/${serviceAccount}`, role: ROLE_WORKLOAD_IDENTITY_USER, member: principal },
    };
  }

  return {
    values: { projectNumber, poolId, providerId, serviceAccount, location, repository, audience: workloadIdentityProviderName(settings), principal },
    commands,
    terraform: `${JSON.stringify({ resource: resources }, null, 2)}\n`,
    uploadedJwks: {
      command: [
        `curl -fsS "${input.issuerUrl}/jwks" > portal-jwks.json`,
        `gcloud iam workload-identity-pools providers create-oidc ${providerId} ${project} --location=global \\`,
        `  --workload-identity-pool=${poolId} \\`,
        `  --issuer-uri="${input.issuerUrl}" \\`,
        `  --jwk-json-path=portal-jwks.json \\`,
        `  --attribute-mapping="google.subject=assertion.sub" \\`,
        `  --attribute-condition="${condition}"`,
      ].join("\n"),
      note:
        "Google then checks signatures against the uploaded keys and never contacts the portal. The copy does not follow the portal's key rotation: when the portal publishes a next key, upload the JWKS again (gcloud iam workload-identity-pools providers update-oidc … --jwk-json-path=portal-jwks.json) before that key starts signing, or Google refuses every token signed with it.",
    },
  };
}
