// What a refusal by Google means, in Google's terms, and what to change (with
// the gcloud command that applies the fix); the caller shows Google's error
// code and description unchanged beside it. Pure: the provider module's
// federation (lib/registries/providers/google.ts) answers with these.
import {
  artifactRegistryLocation,
  poolPrincipalSet,
  ROLE_ARTIFACT_REGISTRY_READER,
  ROLE_WORKLOAD_IDENTITY_USER,
  subjectCondition,
  subjectPrincipal,
  workloadIdentityProviderName,
  type GoogleFederationSettings,
} from "@/lib/gcp/workload-identity";
import type { FederationAdvice } from "@/lib/registries/providers/types";

export interface GoogleDiagnosisContext {
  settings: GoogleFederationSettings;
  /** The team's subject (the `sub` of the portal's tokens). */
  subject: string;
  hostname: string;
}

/** Google's answer: "sts" (Security Token Service), "iam" (IAM Credentials' generateAccessToken), "registry" (Artifact Registry). */
export interface GoogleRefusal {
  where: "sts" | "iam" | "registry";
  status: number;
  code?: string | undefined;
  message?: string | undefined;
  /** The image's repository path (`<project>/<repository>/<image>`), for a registry refusal. */
  repository?: string | undefined;
}

const providerFlags = (settings: GoogleFederationSettings) => `--project=${settings.projectNumber} --location=global --workload-identity-pool=${settings.poolId}`;
const updateProvider = (settings: GoogleFederationSettings, flag: string) => `gcloud iam workload-identity-pools providers update-oidc ${settings.providerId} ${providerFlags(settings)} \\\n  ${flag}`;

export function diagnoseGoogleRefusal(refusal: GoogleRefusal, context: GoogleDiagnosisContext): FederationAdvice {
  if (refusal.where === "sts") return explainSts(refusal, context);
  if (refusal.where === "iam") return explainImpersonation(refusal, context);
  return explainRegistry(refusal, context);
}

function explainSts(refusal: GoogleRefusal, { settings, subject }: GoogleDiagnosisContext): FederationAdvice {
  const text = refusal.message ?? "";
  if (refusal.code === "invalid_target") {
    return {
      summary: `Google found no enabled workload identity provider ${settings.poolId}/${settings.providerId} in project ${settings.projectNumber}: the pool or provider does not exist, is disabled, or was deleted.`,
      fix: `Check the project number (digits, not the project ID), the pool ID and the provider ID (gcloud iam workload-identity-pools providers list ${providerFlags(settings)}). Create them with the commands on this page, or undelete a deleted one within 30 days.`,
    };
  }
  if (refusal.code === "unauthorized_client" || /attribute condition/i.test(text)) {
    return {
      summary: `The provider's attribute condition rejected your team's subject ${subject}.`,
      fix: "Set the condition to admit exactly your team's subject, then test again.",
      snippet: updateProvider(settings, `--attribute-condition="${subjectCondition(subject)}"`),
    };
  }
  if (/audience in ID Token/i.test(text)) {
    return {
      summary: `The provider expects another audience than the one the portal sends (${workloadIdentityProviderName(settings)}).`,
      fix: "Remove the provider's allowed audiences (Google then accepts its own name), or add the portal's audience to them.",
      snippet: updateProvider(settings, `--allowed-audiences="${workloadIdentityProviderName(settings)}"`),
    };
  }
  const issuer = /issuer in ID Token \[?([^\s\]]+?)\]? does not match/i.exec(text)?.[1];
  if (issuer) {
    return {
      summary: `The provider trusts another issuer than the portal's (${issuer}).`,
      fix: "Set the provider's issuer URI to the portal's issuer, exactly (scheme, host, path, no trailing slash).",
      snippet: updateProvider(settings, `--issuer-uri="${issuer}"`),
    };
  }
  if (/connecting to the given credential's issuer|fetch.*(key|jwks)|retrieve.*key/i.test(text)) {
    return {
      summary: "Google could not fetch the portal's discovery document or keys.",
      fix: "Google must reach the portal's issuer over public https. For a local or private portal, create the provider with an uploaded copy of the portal's keys (--jwk-json-path, shown on this page) and upload it again whenever the portal publishes a next key.",
    };
  }
  if (/signature/i.test(text)) {
    return {
      summary: "Google could not verify the token's signature with the keys it has for the portal.",
      fix: "If the provider has an uploaded JWKS, it is out of date: download the portal's JWKS again and update the provider (update-oidc --jwk-json-path). Otherwise test again in a few minutes (Google caches the portal's keys).",
    };
  }
  if (/expired|stale|future/i.test(text)) return { summary: "Google refused the token's time claims.", fix: "Check the portal server's clock (NTP); the token lives five minutes." };
  if (refusal.code === "invalid_request" && /audience/i.test(text)) {
    return { summary: "Google did not accept the workload identity provider's name.", fix: "Check the project number (digits), the pool ID and the provider ID in the registry's settings." };
  }
  return { summary: `Google STS refused the token exchange (HTTP ${refusal.status}).`, fix: "Read Google's answer below and compare the provider with the commands on this page." };
}

function explainImpersonation(refusal: GoogleRefusal, { settings, subject }: GoogleDiagnosisContext): FederationAdvice {
  const account = settings.serviceAccount ?? "<service-account>";
  if (refusal.status === 403 || refusal.code === "PERMISSION_DENIED") {
    return {
      summary: `Google refused to let your team's principal impersonate ${account}.`,
      fix: `Grant ${ROLE_WORKLOAD_IDENTITY_USER} on the service account to your team's principal (and check the service account exists and is enabled).`,
      snippet: `gcloud iam service-accounts add-iam-policy-binding ${account} --project=${settings.projectNumber} \\\n  --role=${ROLE_WORKLOAD_IDENTITY_USER} \\\n  --member="${subjectPrincipal(settings, subject)}"`,
    };
  }
  return { summary: `IAM Credentials refused generateAccessToken (HTTP ${refusal.status}).`, fix: "Read Google's answer below." };
}

function explainRegistry(refusal: GoogleRefusal, { settings, subject, hostname }: GoogleDiagnosisContext): FederationAdvice {
  const member = settings.serviceAccount ? `serviceAccount:${settings.serviceAccount}` : subjectPrincipal(settings, subject);
  const repository = refusal.repository?.split("/")[1];
  return {
    summary: `${member} may not pull${refusal.repository ? ` ${refusal.repository}` : ""}: it has no ${ROLE_ARTIFACT_REGISTRY_READER} on the repository.`,
    fix: `Grant Artifact Registry Reader on the repository to ${member}.`,
    snippet: `gcloud artifacts repositories add-iam-policy-binding ${repository ?? "<repository>"} --project=${settings.projectNumber} --location=${artifactRegistryLocation(hostname) ?? "<location>"} \\\n  --role=${ROLE_ARTIFACT_REGISTRY_READER} \\\n  --member="${member}"`,
  };
}

/** Google admitted a stranger subject: what is unsafe and what to fix. */
export function unsafeFederationAdvice(settings: GoogleFederationSettings, subject: string, stranger: string): FederationAdvice {
  return {
    summary: `Unsafe: Google accepted a token for ${stranger}, which is not your team. The provider has no attribute condition for your subject, and the registry lets any identity of the pool in (e.g. a binding to ${poolPrincipalSet(settings)}), so any team of this portal could pull your images.`,
    fix: "Add the attribute condition below to the provider, and grant the repository to your team's principal only (remove principalSet://…/* bindings), then test again.",
    snippet: updateProvider(settings, `--attribute-condition="${subjectCondition(subject)}"`),
  };
}
