// What a refusal by Google means, in Google's terms, and what to change; the
// error code and description Google returned are carried unchanged
// (Diagnosis.awsCode / awsMessage hold "the cloud's own words"). Pure.
import {
  poolPrincipalSet,
  ROLE_ARTIFACT_REGISTRY_READER,
  ROLE_WORKLOAD_IDENTITY_USER,
  subjectCondition,
  subjectPrincipal,
  workloadIdentityProviderName,
  type GoogleFederationSettings,
} from "@/lib/gcp/workload-identity";
import type { Diagnosis } from "@/lib/registry-test/steps";

export interface GoogleDiagnosisContext {
  settings: GoogleFederationSettings;
  /** The team's subject (the `sub` of the portal's tokens). */
  subject: string;
  issuerUrl: string;
  hostname: string;
}

export type GoogleRefusal =
  | { where: "sts" | "iam"; status: number; code?: string | undefined; message?: string | undefined }
  | { where: "registry"; status: number; code?: string | undefined; message?: string | undefined; repository?: string | undefined };

const PROVIDER_FLAGS = (settings: GoogleFederationSettings) => `--project=${settings.projectNumber} --location=global --workload-identity-pool=${settings.poolId}`;

export function diagnoseGoogleRefusal(refusal: GoogleRefusal, context: GoogleDiagnosisContext): Diagnosis {
  const { settings, subject, issuerUrl } = context;
  const google = { ...(refusal.code ? { awsCode: refusal.code } : {}), ...(refusal.message ? { awsMessage: refusal.message } : {}) };
  const text = refusal.message ?? "";
  const provider = `${settings.poolId}/${settings.providerId}`;

  if (refusal.where === "sts") {
    if (refusal.code === "invalid_target") {
      return {
        summary: `Google found no enabled workload identity provider ${provider} in project ${settings.projectNumber}: the pool or provider does not exist, is disabled, or was deleted.`,
        fix: `Check the project number (digits, not the project ID), the pool ID and the provider ID against: gcloud iam workload-identity-pools providers list --project=${settings.projectNumber} --location=global --workload-identity-pool=${settings.poolId}. Create them with the commands on this page, or undelete a deleted one within 30 days.`,
        setupStep: "credential",
        ...google,
      };
    }
    if (refusal.code === "unauthorized_client" || /attribute condition/i.test(text)) {
      return {
        summary: `The provider's attribute condition rejected your team's subject ${subject}.`,
        fix: `Set the condition to admit exactly your team's subject, then test again.`,
        setupStep: "credential",
        snippet: `gcloud iam workload-identity-pools providers update-oidc ${settings.providerId} ${PROVIDER_FLAGS(settings)} \\\n  --attribute-condition="${subjectCondition(subject)}"`,
        ...google,
      };
    }
    if (/audience in ID Token/i.test(text)) {
      return {
        summary: `The provider expects another audience than the one the portal sends (${workloadIdentityProviderName(settings)}).`,
        fix: "Remove the provider's allowed audiences (Google then accepts its own name), or add the portal's audience to them.",
        setupStep: "credential",
        snippet: `gcloud iam workload-identity-pools providers update-oidc ${settings.providerId} ${PROVIDER_FLAGS(settings)} \\\n  --allowed-audiences="${workloadIdentityProviderName(settings)}"`,
        ...google,
      };
    }
    if (/issuer in ID Token/i.test(text)) {
      return {
        summary: `The provider trusts another issuer than the portal's (${issuerUrl}).`,
        fix: "Set the provider's issuer URI to the portal's issuer, exactly (scheme, host, path, no trailing slash).",
        setupStep: "credential",
        snippet: `gcloud iam workload-identity-pools providers update-oidc ${settings.providerId} ${PROVIDER_FLAGS(settings)} \\\n  --issuer-uri="${issuerUrl}"`,
        ...google,
      };
    }
    if (/connecting to the given credential's issuer|fetch.*(key|jwks)|retrieve.*key/i.test(text)) {
      return {
        summary: `Google could not fetch the portal's discovery document or keys from ${issuerUrl}.`,
        fix: "Google must reach the issuer over public https. For a local or private portal, create the provider with an uploaded copy of the portal's keys (--jwk-json-path, shown on this page) and upload it again whenever the portal publishes a next key.",
        setupStep: "portal",
        ...google,
      };
    }
    if (/signature/i.test(text)) {
      return {
        summary: "Google could not verify the token's signature with the keys it has for the portal.",
        fix: "If the provider has an uploaded JWKS, it is out of date: download the portal's JWKS again and update the provider (update-oidc --jwk-json-path). Otherwise test again in a few minutes (Google caches the portal's keys).",
        setupStep: "credential",
        ...google,
      };
    }
    if (/expired|stale|future/i.test(text)) {
      return { summary: "Google refused the token's time claims.", fix: "Check the portal server's clock (NTP); the token lives five minutes.", setupStep: "portal", ...google };
    }
    if (/"?audience"?/i.test(text) && refusal.code === "invalid_request") {
      return {
        summary: "Google did not accept the workload identity provider's name.",
        fix: "Check the project number (digits), the pool ID and the provider ID in the registry's settings.",
        setupStep: "credential",
        ...google,
      };
    }
    return { summary: `Google STS refused the token exchange (HTTP ${refusal.status}).`, fix: "Read Google's answer below and compare the provider with the commands on this page.", setupStep: "credential", ...google };
  }

  if (refusal.where === "iam") {
    if (refusal.status === 403 || refusal.code === "PERMISSION_DENIED") {
      return {
        summary: `Google refused to let your team's principal impersonate ${settings.serviceAccountEmail ?? "the service account"}.`,
        fix: `Grant ${ROLE_WORKLOAD_IDENTITY_USER} on the service account to your team's principal (and check the service account exists and is enabled).`,
        setupStep: "credential",
        snippet: `gcloud iam service-accounts add-iam-policy-binding ${settings.serviceAccountEmail ?? "<service-account>"} --project=${settings.projectNumber} \\\n  --role=${ROLE_WORKLOAD_IDENTITY_USER} \\\n  --member="${subjectPrincipal(settings, subject)}"`,
        ...google,
      };
    }
    return { summary: `IAM Credentials refused generateAccessToken (HTTP ${refusal.status}).`, fix: "Read Google's answer below.", setupStep: "credential", ...google };
  }

  const repository = "repository" in refusal ? refusal.repository : undefined;
  const member = settings.serviceAccountEmail ? `serviceAccount:${settings.serviceAccountEmail}` : subjectPrincipal(settings, subject);
  if (refusal.status === 403 || refusal.code === "DENIED") {
    return {
      summary: `${member} may not pull${repository ? ` ${repository}` : ""}: it has no ${ROLE_ARTIFACT_REGISTRY_READER} on the repository.`,
      fix: `Grant Artifact Registry Reader on the repository to ${member}.`,
      setupStep: "credential",
      snippet: `gcloud artifacts repositories add-iam-policy-binding <repository> --project=${settings.projectNumber} --location=<location> \\\n  --role=${ROLE_ARTIFACT_REGISTRY_READER} \\\n  --member="${member}"`,
      ...google,
    };
  }
  return { summary: `${context.hostname} refused the federated access token (HTTP ${refusal.status}).`, fix: "Test again; if it persists, read the registry's answer below.", setupStep: "registry", ...google };
}

/** The verdict when Google admitted a stranger subject: what is unsafe and what to fix. */
export function unsafeFederationDiagnosis(context: GoogleDiagnosisContext, stranger: string, admittedAt: "sts" | "registry"): Diagnosis {
  const { settings, subject } = context;
  return {
    summary:
      admittedAt === "registry"
        ? `Unsafe: Google let a token for ${stranger}, which is not your team, pull from the registry. The provider has no attribute condition for your subject and a binding grants the whole pool (${poolPrincipalSet(settings)}), so any team of this portal could pull your images.`
        : `Unsafe: Google's STS accepted a token for ${stranger}, which is not your team: the provider trusts every subject of the portal's issuer.`,
    fix: "Add the attribute condition below to the provider, and grant the repository to your team's principal only (remove principalSet://…/* bindings), then test again.",
    setupStep: "credential",
    snippet: `gcloud iam workload-identity-pools providers update-oidc ${settings.providerId} ${PROVIDER_FLAGS(settings)} \\\n  --attribute-condition="${subjectCondition(subject)}"`,
  };
}
