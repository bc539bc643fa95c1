// What a failed step of an OCI registry's Test (every provider but ECR)
// means, in the provider's own terms (lib/registries/providers/<id>.ts
// `terms`), with the registry's, token server's or Entra ID's code and
// message shown unchanged. Pure.
import type { FederationSettings, RegistryProviderModule } from "@/lib/registries/providers/types";
import type { CallFailure } from "@/lib/registry-test/failure";
import type { Diagnosis, StepId } from "@/lib/registry-test/steps";

export interface OciDiagnosisContext {
  provider: RegistryProviderModule;
  hostname: string;
  /** repository:tag or repository@digest, when the vendor gave one. */
  image?: string;
  repository?: string;
  /** Some tags of the repository, when the image's tag was not found in it. */
  knownTags?: string[];
  /** Keyless registries: the team's subject and the federation's settings, for the cloud's diagnoses. */
  federation?: { subject: string; settings: FederationSettings };
}

type Found = Omit<Diagnosis, "awsCode" | "awsMessage">;

export function diagnoseOci(step: StepId, failure: CallFailure, context: OciDiagnosisContext): Diagnosis {
  const found = explain(step, failure, context);
  if (failure.kind === "registry") return { ...found, ...(failure.code ? { awsCode: failure.code } : {}), ...(failure.message ? { awsMessage: failure.message } : {}) };
  return found;
}

function explain(step: StepId, failure: CallFailure, context: OciDiagnosisContext): Found {
  const { provider, hostname } = context;
  switch (failure.kind) {
    case "timeout":
      return failure.wholeTest
        ? { summary: `The whole test took longer than ${failure.seconds} s and was stopped.`, fix: "The registry is answering very slowly; try again in a few minutes.", setupStep: "network" }
        : { summary: `${where(step, failure, context)} did not answer within ${failure.seconds} s.`, fix: `Check that the portal can reach ${hostname} over HTTPS (proxy, firewall), and the registry's status page.`, setupStep: "network" };
    case "internal":
      return { summary: "The portal hit an unexpected error during this step.", fix: `Try again; if it keeps happening, contact support with request ID ${failure.requestId}.`, setupStep: null };
    case "answer":
      return { summary: `${where(step, failure, context)} gave an unexpected answer: ${failure.message}.`, fix: `Check that ${hostname} is the registry's hostname (its API answers at https://${hostname}/v2/).`, setupStep: "registry" };
    case "aws":
      return { summary: `Unexpected answer ${failure.code}.`, fix: "Try again; if it persists, contact support.", setupStep: null };
    case "network":
      if (failure.code === "UNSAFE_DESTINATION") {
        return {
          summary: `The portal refused to connect: ${failure.message}.`,
          fix: "The portal only connects to registries and token servers on public addresses over https://. Use the registry's public hostname; for a registry on a private network, the portal's operator must allow it (REGISTRY_ENDPOINT_OVERRIDES, AUTH_ENDPOINT_OVERRIDES).",
          setupStep: "network",
        };
      }
      if (/certificate|TLS|CERT/i.test(`${failure.code} ${failure.message}`)) {
        return {
          summary: `${where(step, failure, context)} presented a TLS certificate the portal does not trust: ${failure.message}.`,
          fix: `The registry's certificate must be valid for ${hostname} and issued by a public certificate authority (self-signed and private CAs are refused). Renew or replace it on the registry.`,
          setupStep: "registry",
        };
      }
      return {
        summary: `Could not reach ${where(step, failure, context)}: ${failure.message}.`,
        fix: `Check the hostname ${hostname} (and its port) and that the portal's network can reach it over HTTPS.`,
        setupStep: "network",
      };
    case "registry":
      return explainAnswer(step, failure, context, provider);
  }
}

/** A keyless exchange refused: the provider's diagnosis of its cloud's code, or what the cloud said. */
function explainFederationRefusal(failure: Extract<CallFailure, { kind: "registry" }>, context: OciDiagnosisContext, provider: RegistryProviderModule): Found {
  const federation = context.federation!;
  const found = provider.federation?.diagnoseExchange({ stage: failure.stage, httpStatus: failure.httpStatus, code: failure.code, message: failure.message }, { hostname: context.hostname, ...federation });
  if (found) return { ...found, setupStep: "credential" };
  if (failure.httpStatus === 429) return { summary: `${provider.label} is rate-limiting the portal's exchange (429).`, fix: "Wait a few minutes and test again.", setupStep: null };
  if (failure.httpStatus >= 500) return { summary: `${provider.label}'s token exchange is failing (${failure.httpStatus}).`, fix: "This is the cloud's answer unchanged; try again later and check the provider's status page.", setupStep: "registry" };
  return {
    summary: `${provider.label} refused the portal's token (${failure.httpStatus}${failure.code ? ` ${failure.code}` : ""}).`,
    fix: `Check the federation against the setup guide: the issuer, the subject ${federation.subject} and the audience must match exactly.`,
    setupStep: "credential",
  };
}

function where(step: StepId, failure: CallFailure, context: OciDiagnosisContext): string {
  const stage = failure.kind === "registry" ? failure.stage : undefined;
  if (stage === "entra" || (step === "credential-exchange" && stage !== "exchange")) return "Microsoft Entra ID";
  if (stage === "token") return `the token server of ${context.hostname}`;
  return `the registry ${context.hostname}`;
}

function explainAnswer(step: StepId, failure: Extract<CallFailure, { kind: "registry" }>, context: OciDiagnosisContext, provider: RegistryProviderModule): Found {
  const { httpStatus: status, stage } = failure;
  const repository = context.repository ?? "the repository";
  if (context.federation && step === "credential-exchange") return explainFederationRefusal(failure, context, provider);
  if (stage === "entra") return explainEntra(failure);
  if (stage === "exchange") {
    return {
      summary: `The registry ${context.hostname} refused the service principal's Entra ID token at /oauth2/exchange (${status}).`,
      fix: "Give the service principal the AcrPull role on this registry (Access control (IAM) > Add role assignment), and check that the registry belongs to the tenant you entered.",
      setupStep: "credential",
    };
  }
  if (status === 429) return { summary: `${where(step, failure, context)} is rate-limiting the portal (429).`, fix: "Wait a few minutes and test again; a paid plan or a token with higher limits raises the limit.", setupStep: null };
  if (status >= 500) return { summary: `${where(step, failure, context)} is failing (${status}).`, fix: "This is the registry's answer unchanged; try again later and check the provider's status page.", setupStep: "registry" };
  const noPull = provider.terms.noPullPermission(repository);
  if (step === "registry-login" || (stage === "token" && step !== "registry-token" && step !== "manifest")) {
    if (status === 401 || status === 403) return { ...provider.terms.wrongCredentials, setupStep: "credential" };
    if (status === 404) return { summary: `${context.hostname} has no registry API (GET /v2/ answered 404).`, fix: `Check the hostname: the registry's API must answer at https://${context.hostname}/v2/.`, setupStep: "registry" };
  }
  if (context.federation && (step === "registry-token" || step === "manifest") && (status === 401 || status === 403)) {
    const found = provider.federation?.diagnoseRegistry?.({ stage, httpStatus: status, code: failure.code, message: failure.message, repository: context.repository }, { hostname: context.hostname, ...context.federation });
    if (found) return { ...found, setupStep: "credential" };
  }
  if (step === "registry-token") {
    // The code alone says little (GitLab answers DENIED "access forbidden" to a token without read_registry): read the message.
    const message = failure.message ?? "";
    if (status === 401 || (status === 403 && /denied|credential|password|unauthorized/i.test(message) && !/scope|permission|forbidden/i.test(message))) return { ...provider.terms.wrongCredentials, setupStep: "credential" };
    if (status === 403 || failure.challengeError === "insufficient_scope" || failure.code === "insufficient_scope") return { ...noPull, setupStep: "credential" };
  }
  if (step === "manifest") {
    if (failure.challengeError === "insufficient_scope" || status === 403 || status === 401) return { ...noPull, setupStep: "credential" };
    if (status === 404 && failure.code === "NAME_UNKNOWN") return { ...provider.terms.unknownRepository(repository), setupStep: "image" };
    if (status === 404) {
      return {
        summary: `The image ${context.image ?? ""} was not found in ${context.hostname}.`.replace("  ", " "),
        fix: `Check the tag (or digest) exactly as the registry lists it; the registry answered, so the login works.${context.knownTags ? ` ${context.knownTags.length > 0 ? `Tags in ${repository}: ${context.knownTags.join(", ")}.` : `${repository} has no tags yet.`}` : ""}`,
        setupStep: "image",
      };
    }
  }
  return { summary: `${where(step, failure, context)} answered HTTP ${status}${failure.code ? ` ${failure.code}` : ""}.`, fix: "This is the registry's answer unchanged; its documentation for the code explains it.", setupStep: "registry" };
}

/** Entra ID's AADSTS codes for a client-credentials sign-in, as Microsoft documents them. */
function explainEntra(failure: Extract<CallFailure, { kind: "registry" }>): Found {
  const aadsts = /AADSTS(\d+)/.exec(failure.message ?? "")?.[1];
  switch (aadsts) {
    case "7000215":
      return { summary: "Entra ID refused the client secret (AADSTS7000215: invalid client secret).", fix: "Enter the secret's Value (not its Secret ID) from App registrations > the app > Certificates & secrets, or create a new secret.", setupStep: "credential" };
    case "7000222":
      return { summary: "The client secret has expired (AADSTS7000222).", fix: "Create a new client secret under App registrations > the app > Certificates & secrets and enter its Value here.", setupStep: "credential" };
    case "700016":
      return { summary: "Entra ID has no application with this client ID in the tenant (AADSTS700016).", fix: "Check the Application (client) ID and that the app is registered (or has a service principal) in the tenant you entered.", setupStep: "credential" };
    case "90002":
    case "900023":
      return { summary: "Entra ID does not know the tenant (AADSTS" + aadsts + ").", fix: "Enter the Directory (tenant) ID from Microsoft Entra ID > Overview.", setupStep: "credential" };
    default:
      return { summary: `Entra ID refused the sign-in (${failure.httpStatus}${failure.code ? ` ${failure.code}` : ""}).`, fix: "This is Entra ID's answer unchanged; its AADSTS code is explained in Microsoft's Entra ID error reference.", setupStep: "credential" };
  }
}
