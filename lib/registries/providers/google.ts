// Google Artifact Registry (<region>-docker.pkg.dev) and Container Registry
// (gcr.io): a service account's JSON key, presented as `_json_key`. The key
// is validated as the JSON Google issues; only its email, project and key ID
// are kept readable, the key itself is encrypted and never shown again.
import { fail } from "@/lib/registries/providers/hostname";
import type { FieldIssue, RegistryProviderModule } from "@/lib/registries/providers/types";
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

export const googleProvider: RegistryProviderModule = {
  id: "google",
  label: "Google Artifact Registry",
  description: "Artifact Registry (<region>-docker.pkg.dev) or Container Registry (gcr.io), with a service account key.",
  hostnamePlaceholder: "us-central1-docker.pkg.dev",
  hostnameHelp: "The repository's location host, e.g. europe-west1-docker.pkg.dev, or gcr.io / eu.gcr.io.",
  authTypes: [
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
  terms: {
    credential: "service account key",
    wrongCredentials: { summary: "Google refused the service account key.", fix: "The key may be disabled or deleted, or its service account disabled (IAM & Admin > Service accounts > the account > Keys). Create a new JSON key and paste it here." },
    noPullPermission: (repository) => ({ summary: `The service account may not pull ${repository}.`, fix: "Grant it roles/artifactregistry.reader (Artifact Registry Reader) on the repository or the project." }),
    unknownRepository: (repository) => ({ summary: `Artifact Registry has no image ${repository}.`, fix: "The image name is <project>/<repository>/<image>, in the location of this hostname; check each part." }),
  },
};
