// Google Artifact Registry (<region>-docker.pkg.dev) and Container Registry
// (gcr.io). Keyless first: Workload Identity Federation trusts the portal's
// issuer (lib/gcp; the exchange is lib/registry-auth/federation/google.ts).
// Or a service account's JSON key, presented as `_json_key`: validated as the
// JSON Google issues; only its email, project and key ID are kept readable,
// the key itself is encrypted and never shown again.
import { diagnoseGoogleRefusal, unsafeFederationAdvice } from "@/lib/gcp/federation-diagnosis";
import {
  buildGoogleSetup,
  googleSettingsOf,
  parseFederationId,
  parseProjectNumber,
  parseServiceAccountEmail,
  ROLE_ARTIFACT_REGISTRY_READER,
  workloadIdentityProviderName,
} from "@/lib/gcp/workload-identity";
import { federatedAuthType } from "@/lib/registries/providers/federated";
import { fail } from "@/lib/registries/providers/hostname";
import type { FederationRefusal, FieldIssue, ProviderFederation, RegistryProviderModule } from "@/lib/registries/providers/types";
import type { ParseResult } from "@/lib/parse-result";

const ARTIFACT_REGISTRY = /^[a-z]+(?:-[a-z]+\d*)?-docker\.pkg\.dev$/;
const CONTAINER_REGISTRY = /^(?:(?:us|eu|asia)\.)?gcr\.io$/;
export const JSON_KEY_MAX = 16_384;

export interface ServiceAccountKeySummary {
  clientEmail: string;
  projectId: string;
  privateKeyId: string;
}

const KEY_HELP = "Paste the whole JSON key file Google downloaded (IAM & Admin > Service accounts > the account > Keys > Add key > JSON).";

/** Checks the JSON key has the fields Google issues; returns what may be shown. The message never quotes the key. */
export function parseServiceAccountKey(text: string): ParseResult<ServiceAccountKeySummary> {
  if (text.trim() === "") return fail(`Enter the service account's JSON key. ${KEY_HELP}`);
  if (text.length > JSON_KEY_MAX) return fail(`That is too long for a service account key (at most ${JSON_KEY_MAX} characters). ${KEY_HELP}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail(`This is not valid JSON. ${KEY_HELP}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return fail(`The key must be a JSON object. ${KEY_HELP}`);
  const key = value as Record<string, unknown>;
  if (key.type !== "service_account") return fail(`This is not a service account key ("type" must be "service_account"; user credentials and workload identity configurations do not work). ${KEY_HELP}`);
  const missing = ["project_id", "private_key_id", "private_key", "client_email"].filter((field) => typeof key[field] !== "string" || (key[field] as string).trim() === "");
  if (missing.length > 0) return fail(`The key lacks ${missing.join(", ")}. ${KEY_HELP}`);
  if (!/^-----BEGIN (?:RSA )?PRIVATE KEY-----/.test((key.private_key as string).trim())) return fail(`The key's private_key is not a PEM private key. ${KEY_HELP}`);
  if (!/^[^@\s]+@[^@\s]+$/.test(key.client_email as string)) return fail(`The key's client_email is not an email address. ${KEY_HELP}`);
  if (!/^[a-f0-9]{16,64}$/i.test(key.private_key_id as string)) return fail(`The key's private_key_id is not a key ID. ${KEY_HELP}`);
  return { ok: true, value: { clientEmail: key.client_email as string, projectId: key.project_id as string, privateKeyId: key.private_key_id as string } };
}

/** Google's stage names on a refusal: STS, IAM Credentials, or the registry. */
function whereOf(refusal: FederationRefusal): "sts" | "iam" | "registry" {
  return refusal.stage === "google-iam" ? "iam" : refusal.stage === "google-sts" || refusal.stage === "federation" ? "sts" : "registry";
}

const googleFederation: ProviderFederation = {
  audience: ({ settings }) => {
    const google = googleSettingsOf(settings);
    return google ? workloadIdentityProviderName(google) : "//iam.googleapis.com/projects/<project-number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>";
  },
  checkTarget: ({ settings }) => {
    const google = googleSettingsOf(settings);
    return google ? `google:${workloadIdentityProviderName(google)}${google.serviceAccount ? `|${google.serviceAccount}` : ""}` : null;
  },
  exchangeTitle: "Exchange the portal's token at Google STS (workload identity federation)",
  diagnoseExchange: (refusal, { hostname, subject, settings }) => {
    const google = googleSettingsOf(settings);
    return google ? diagnoseGoogleRefusal({ where: whereOf(refusal), status: refusal.httpStatus, code: refusal.code, message: refusal.message }, { settings: google, subject, hostname }) : null;
  },
  diagnoseRegistry: (refusal, { hostname, subject, settings }) => {
    const google = googleSettingsOf(settings);
    if (!google || refusal.httpStatus !== 403) return null;
    return diagnoseGoogleRefusal({ where: "registry", status: refusal.httpStatus, code: refusal.code, message: refusal.message, repository: refusal.repository }, { settings: google, subject, hostname });
  },
  unsafe: ({ stranger, subject, settings }) => {
    const google = googleSettingsOf(settings);
    return google
      ? unsafeFederationAdvice(google, subject, stranger)
      : { summary: `Unsafe: Google accepted a token for ${stranger}, which is not your team.`, fix: "Add the attribute condition assertion.sub=='<your subject>' to the provider." };
  },
  setupGuide: ({ issuerUrl, subject, hostname, settings, repository, localEndpoints }) => {
    const setup = buildGoogleSetup({ issuerUrl, subject, hostname, settings: { projectNumber: settings.projectNumber, poolId: settings.poolId, providerId: settings.providerId, serviceAccount: settings.serviceAccount }, image: repository });
    const localSts = localEndpoints["sts.googleapis.com"];
    // gcloud's own endpoint overrides (base URLs with a trailing slash): the stand-in answers IAM and Artifact Registry where it answers STS unless mapped apart.
    const localIam = localEndpoints["iam.googleapis.com"] ?? localSts;
    const localArtifactRegistry = localEndpoints["artifactregistry.googleapis.com"] ?? localSts;
    const localStep =
      localIam && localArtifactRegistry
        ? [
            {
              title: "Local mode: point gcloud at the stand-in",
              body: "This portal talks to a local Google stand-in, so the gcloud commands below go there too (gcloud's API endpoint overrides, in this shell).",
              command: `export CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM=${localIam.replace(/\/+$/, "")}/\nexport CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY=${localArtifactRegistry.replace(/\/+$/, "")}/`,
            },
          ]
        : [];
    return {
      steps: [
        ...localStep,
        ...setup.commands.map((command, index) => ({
          title: command.title,
          body: index === 0 && localSts ? `${command.body} (This portal runs against a local Google stand-in: it exchanges tokens at ${localSts}.)` : command.body,
          command: command.command,
        })),
        { title: "If Google cannot reach this portal: the provider with uploaded keys", body: `Instead of step 2, for a local or private portal. ${setup.uploadedJwks.note}`, command: setup.uploadedJwks.command },
      ],
      minimumPermission: `${ROLE_ARTIFACT_REGISTRY_READER} on the repository for ${setup.values.serviceAccount ? `serviceAccount:${setup.values.serviceAccount} (and roles/iam.workloadIdentityUser on it for your team's principal)` : setup.values.principal}.`,
      pullScope: `repository:${repository ?? "<project>/<repository>/<image>"}:pull`,
      artefacts: [{ title: "Terraform (main.tf.json)", fileName: "vendor-portal-google.tf.json", text: setup.terraform, description: "The same pool, provider and binding, for Terraform's Google provider." }],
    };
  },
};

const FEDERATION_HELP = {
  projectNumber: "The project's number (digits) from the console's dashboard, or gcloud projects describe <project-id> --format='value(projectNumber)'.",
  poolId: "The workload identity pool the setup creates (4–32 lower-case letters, digits, hyphens).",
  providerId: "The pool's OIDC provider that trusts this portal.",
  serviceAccount: "Optional: a service account to impersonate, for policies that grant registries to service accounts only. Leave empty to grant your team's principal directly.",
};

export const googleProvider: RegistryProviderModule = {
  id: "google",
  label: "Google Artifact Registry",
  description: "Artifact Registry (<region>-docker.pkg.dev) or Container Registry (gcr.io), keyless through workload identity federation, or with a service account key.",
  hostnamePlaceholder: "us-central1-docker.pkg.dev",
  hostnameHelp: "The repository's location host, e.g. europe-west1-docker.pkg.dev, or gcr.io / eu.gcr.io.",
  authTypes: [
    federatedAuthType({
      hint: "Google trusts the portal's identity through Workload Identity Federation. No key is created or stored (works where iam.disableServiceAccountKeyCreation forbids keys).",
      fields: [
        { name: "projectNumber", label: "Project number", help: FEDERATION_HELP.projectNumber, placeholder: "123456789012", secret: false },
        { name: "poolId", label: "Pool ID", help: FEDERATION_HELP.poolId, placeholder: "vendor-portal", secret: false },
        { name: "providerId", label: "Provider ID", help: FEDERATION_HELP.providerId, placeholder: "vendor-portal-oidc", secret: false },
        { name: "serviceAccount", label: "Service account (optional)", help: FEDERATION_HELP.serviceAccount, placeholder: "portal-pull@my-project.iam.gserviceaccount.com", secret: false },
      ],
    }),
    {
      id: "json_key",
      label: "Service account JSON key",
      hint: "A service account with Artifact Registry Reader, and one of its JSON keys.",
      fields: [{ name: "jsonKey", label: "JSON key", help: `${KEY_HELP} It is stored encrypted and never shown again.`, secret: true, multiline: true }],
    },
  ],
  ownsHostname: (hostname) => {
    const value = hostname.trim().toLowerCase();
    return value.endsWith(".pkg.dev") || CONTAINER_REGISTRY.test(value);
  },
  parseHostname: (input) => {
    const value = input.trim().toLowerCase().replace(/^https:\/\//, "").replace(/\/+$/, "");
    if (value.includes("/")) return fail("Enter only the host, e.g. us-central1-docker.pkg.dev; the project and repository belong in the image name.");
    if (ARTIFACT_REGISTRY.test(value) || CONTAINER_REGISTRY.test(value)) return { ok: true, value };
    return fail("Enter an Artifact Registry host like us-central1-docker.pkg.dev (the repository's location followed by -docker.pkg.dev), or gcr.io, us.gcr.io, eu.gcr.io, asia.gcr.io.");
  },
  apiHostname: (hostname) => hostname,
  checkCredentials(values, needsSecret) {
    if (values.authType === "federated") {
      const issues: FieldIssue[] = [];
      const project = parseProjectNumber(values.projectNumber);
      if (!project.ok) issues.push({ field: "projectNumber", message: project.message });
      const pool = parseFederationId(values.poolId, "poolId");
      if (!pool.ok) issues.push({ field: "poolId", message: pool.message });
      const provider = parseFederationId(values.providerId, "providerId");
      if (!provider.ok) issues.push({ field: "providerId", message: provider.message });
      const account = parseServiceAccountEmail(values.serviceAccount);
      if (!account.ok) issues.push({ field: "serviceAccount", message: account.message });
      return issues;
    }
    if (!needsSecret) return [];
    const parsed = parseServiceAccountKey(values.jsonKey);
    const issues: FieldIssue[] = [];
    if (!parsed.ok) issues.push({ field: "jsonKey", message: parsed.message });
    return issues;
  },
  setupGuide: ({ hostname, repository }) => {
    const host = hostname || "<region>-docker.pkg.dev";
    const image = repository ?? "<project>/<repository>/<image>";
    return {
      steps: [
        { title: "Create a service account", body: "IAM & Admin > Service accounts > Create, e.g. portal-pull.", command: "gcloud iam service-accounts create portal-pull --project=<project>" },
        {
          title: "Let it read the repository",
          body: "Grant Artifact Registry Reader on the repository (or the project).",
          command: `gcloud artifacts repositories add-iam-policy-binding <repository> --location=<region> --project=<project> \\\n  --member=serviceAccount:portal-pull@<project>.iam.gserviceaccount.com --role=roles/artifactregistry.reader`,
        },
        { title: "Create a JSON key", body: "Keys > Add key > Create new key > JSON, then paste the downloaded file here. (An organisation policy may forbid key creation: iam.disableServiceAccountKeyCreation.)", command: "gcloud iam service-accounts keys create key.json --iam-account=portal-pull@<project>.iam.gserviceaccount.com" },
        { title: "Check it locally", body: "The key must log in and pull:", command: `cat key.json | docker login -u _json_key --password-stdin https://${host}\ndocker pull ${host}/${image}:<tag>` },
      ],
      minimumPermission: "roles/artifactregistry.reader (Artifact Registry Reader) on the repository; gcr.io: roles/storage.objectViewer on the artifacts bucket.",
      pullScope: `repository:${image}:pull`,
    };
  },
  login: { kind: "oci" },
  federation: googleFederation,
  terms: {
    credential: "service account key",
    wrongCredentials: { summary: "Google refused the service account key.", fix: "The key may be disabled or deleted, or its service account disabled (IAM & Admin > Service accounts > the account > Keys). Create a new JSON key and paste it here." },
    noPullPermission: (repository) => ({ summary: `The service account may not pull ${repository}.`, fix: "Grant it roles/artifactregistry.reader (Artifact Registry Reader) on the repository or the project." }),
    unknownRepository: (repository) => ({ summary: `Artifact Registry has no image ${repository}.`, fix: "The image name is <project>/<repository>/<image>, in the location of this hostname; check each part." }),
  },
};
