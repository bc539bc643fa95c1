// What a failed step means and what the vendor should change, tied to the
// setup step it points at. Pure: every case is unit-tested with the error
// strings AWS really sends, and the integration tests produce them for real.
import { formatPolicyJson } from "@/lib/aws/trust-policy";
import type { CallFailure } from "@/lib/registry-test/failure";
import type { Diagnosis, StepId } from "@/lib/registry-test/steps";

export interface DiagnosisContext {
  issuerUrl: string;
  hostname: string;
  region: string;
  registryAccountId: string | null;
  roleArn?: string;
  roleAccountId?: string;
  /** The iss, aud and sub the portal sent (AWS never says which one it disliked). */
  sentClaims?: { iss: string; aud: string; sub: string };
  thumbprint?: string | null;
  image?: string;
  /** Where the failing call went, for network errors. */
  endpoint?: string;
}

export function diagnose(step: StepId, failure: CallFailure, context: DiagnosisContext): Diagnosis {
  const found = explain(step, failure, context);
  if (failure.kind === "aws") return { ...found, awsCode: failure.code, awsMessage: failure.message };
  if (failure.kind === "registry") return { ...found, ...(failure.code ? { awsCode: failure.code } : {}), ...(failure.message ? { awsMessage: failure.message } : {}) };
  return found;
}

type Found = Omit<Diagnosis, "awsCode" | "awsMessage">;

function explain(step: StepId, failure: CallFailure, context: DiagnosisContext): Found {
  switch (failure.kind) {
    case "timeout":
      if (failure.wholeTest) {
        return { summary: `The whole test took longer than ${failure.seconds} s and was stopped.`, fix: "AWS or the registry is answering very slowly; try again in a few minutes.", setupStep: "network" };
      }
      return {
        summary: `${where(step, context)} did not answer within ${failure.seconds} s.`,
        fix: "Check that the portal can reach AWS (proxy, firewall, VPC endpoints) and try again; AWS may also be having a regional incident.",
        setupStep: "network",
      };
    case "answer":
      return { summary: `${where(step, context)} gave an unexpected answer: ${failure.message}.`, fix: "Try again; if it persists, contact support.", setupStep: null };
    case "internal":
      return { summary: "The portal hit an unexpected error during this step.", fix: `Try again; if it keeps happening, contact support with request ID ${failure.requestId}.`, setupStep: null };
    case "network":
      if (failure.code === "CredentialsProviderError") {
        return {
          summary: "The portal has no AWS credentials of its own.",
          fix: "Give the portal an AWS identity (environment variables, shared config, a web identity token file, or an instance or task role), or choose Access key or IAM Authentication for this registry.",
          setupStep: "portal",
        };
      }
      return {
        summary: `Could not reach ${where(step, context)}: ${failure.message}.`,
        fix: step === "registry-login" || step === "manifest"
          ? `Check the hostname ${context.hostname} and that the portal's network can reach it over HTTPS.`
          : "Check the portal's outbound network access to AWS (proxy, firewall, DNS, VPC endpoints for sts and ecr.api).",
        setupStep: "network",
      };
    case "registry":
      return explainRegistry(step, failure, context);
    case "aws":
      return explainAws(step, failure, context);
  }
}

function where(step: StepId, context: DiagnosisContext): string {
  if (context.endpoint) return context.endpoint;
  if (step === "registry-login" || step === "manifest") return `the registry ${context.hostname}`;
  if (step === "ecr-token") return `Amazon ECR in ${context.region}`;
  return `AWS STS in ${context.region}`;
}

function explainAws(step: StepId, failure: Extract<CallFailure, { kind: "aws" }>, context: DiagnosisContext): Found {
  const { code, message } = failure;
  const account = context.roleAccountId ?? context.registryAccountId ?? "your account";
  if (code === "InvalidIdentityToken" && /No OpenIDConnect provider found/i.test(message)) {
    return {
      summary: `AWS account ${account} has no OpenID Connect provider for ${context.issuerUrl}.`,
      fix: `In IAM > Identity providers of account ${account}, add an OpenID Connect provider with Provider URL exactly ${context.issuerUrl} (no trailing slash) and audience sts.amazonaws.com.`,
      setupStep: "provider",
      snippet: context.issuerUrl,
    };
  }
  if ((code === "InvalidIdentityToken" && /retrieve verification key/i.test(message)) || code === "IDPCommunicationError") {
    return {
      summary: `AWS could not fetch the portal's signing keys from ${context.issuerUrl}/.well-known/openid-configuration within its 5 s limit.`,
      fix: "The portal's public URL (APP_URL or OIDC_ISSUER_URL) must be reachable from the internet over https:// on port 443, answer quickly, and serve the discovery document and JWKS. Check DNS, the load balancer and any firewall in front of the portal, then test again.",
      setupStep: "portal",
    };
  }
  if (code === "InvalidIdentityToken" && /audience/i.test(message)) {
    return {
      summary: "The OpenID Connect provider in AWS does not list sts.amazonaws.com as an audience.",
      fix: `In IAM > Identity providers > ${context.issuerUrl.replace(/^https?:\/\//, "")}, add the audience (client ID) sts.amazonaws.com.`,
      setupStep: "provider",
      snippet: "sts.amazonaws.com",
    };
  }
  if (code === "InvalidIdentityToken" && /thumbprint/i.test(message)) {
    return {
      summary: "The thumbprint configured on the OpenID Connect provider does not match the certificate the portal serves.",
      fix: context.thumbprint
        ? `Replace the provider's thumbprint with ${context.thumbprint} (the one shown in the AWS OIDC Configuration panel).`
        : "Put the thumbprint shown on the Identity provider page on the provider in AWS (if it shows none, the portal could not reach its public address: set OIDC_THUMBPRINT).",
      setupStep: "provider",
      ...(context.thumbprint ? { snippet: context.thumbprint } : {}),
    };
  }
  if (code === "InvalidIdentityToken" && /kid|key|signature/i.test(message)) {
    return {
      summary: "AWS could not verify the token's signature with the keys it fetched from the portal.",
      fix: "AWS may still cache an older key set; wait a few minutes and test again. If it persists, check that the portal's public URL serves the same JWKS as the portal that signs (all instances share one database).",
      setupStep: "portal",
    };
  }
  if (code === "ExpiredTokenException" || code === "ExpiredToken") {
    return step === "assume-role" || step === "negative-check"
      ? {
          summary: "AWS considered the portal's token expired or not yet valid.",
          fix: "The portal server's clock is probably wrong. Synchronise it with NTP and test again.",
          setupStep: "portal",
        }
      : {
          summary: "The temporary AWS credentials had expired when ECR received them.",
          fix: "Check the portal server's clock (NTP) and test again.",
          setupStep: "portal",
        };
  }
  if (code === "AccessDenied" && /AssumeRoleWithWebIdentity/.test(message)) {
    const claims = context.sentClaims;
    return {
      // AWS gives the same answer for a missing role and a trust policy that
      // refuses the token, so both are named, and the step that does both.
      summary: `AWS refused to let the portal assume ${context.roleArn ?? "the role"}: the role does not exist, or its trust policy does not accept the portal's token.`,
      fix: `If the role does not exist yet, create it (setup step "Create the role with its trust policy"), checking its name and account${context.roleAccountId ? ` (${context.roleAccountId})` : ""}. If it exists, replace its trust policy with the one on this page exactly. AWS does not say which of the two it is, nor which condition failed; the portal sent iss ${claims?.iss ?? context.issuerUrl}, aud ${claims?.aud ?? "sts.amazonaws.com"} and sub ${claims?.sub ?? "(your team's subject)"}.`,
      setupStep: "role",
      ...(claims ? { snippet: formatPolicyJson(claims) } : {}),
    };
  }
  if (code === "ValidationError" && /DurationSeconds|duration/i.test(message)) {
    return {
      summary: "The role's maximum session duration is shorter than the 15 minutes the portal asks for.",
      fix: "Set the role's Maximum session duration to at least 1 hour (IAM > Roles > the role > Edit).",
      setupStep: "role",
    };
  }
  if (code === "RegionDisabledException") {
    return {
      summary: `STS is not activated in ${context.region} for account ${account}.`,
      fix: `In IAM > Account settings, activate STS in ${context.region}.`,
      setupStep: "role",
    };
  }
  if (code === "AccessDeniedException") return explainEcrAccessDenied(message, context);
  if (code === "InvalidClientTokenId" || code === "UnrecognizedClientException") {
    return {
      summary: "AWS does not recognise the access key ID: it is mistyped, deleted, or inactive.",
      fix: "In IAM > Users > the user > Security credentials, check that the key is Active, or create a new access key and replace it here.",
      setupStep: "access-key",
    };
  }
  if (code === "SignatureDoesNotMatch" || code === "InvalidSignatureException") {
    return {
      summary: "AWS recognised the access key ID but the secret access key is wrong.",
      fix: "Replace the secret access key with the one shown when the key was created (a lost secret cannot be recovered: create a new key).",
      setupStep: "access-key",
    };
  }
  if (code === "RepositoryNotFoundException") {
    return { summary: `The repository does not exist in ${context.hostname}.`, fix: "Check the repository name (case matters) and the registry's region and account.", setupStep: "image" };
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/.test(code)) {
    return { summary: "AWS is throttling requests from this account.", fix: "Wait a minute and test again.", setupStep: null };
  }
  return {
    summary: `AWS answered ${code}${message ? `: ${message}` : ""}.`,
    fix: "This error is shown exactly as AWS returned it; AWS's documentation for the code explains it.",
    setupStep: null,
  };
}

function explainEcrAccessDenied(message: string, context: DiagnosisContext): Found {
  const action = /perform:\s*(ecr:[A-Za-z]+)/.exec(message)?.[1] ?? "ecr:GetAuthorizationToken";
  if (/resource-based policy|repository policy/i.test(message) || (context.roleAccountId && context.registryAccountId && context.roleAccountId !== context.registryAccountId && action !== "ecr:GetAuthorizationToken")) {
    return {
      summary: `The repository's policy in account ${context.registryAccountId ?? "the registry's account"} does not allow ${action} for the role.`,
      fix: `The role is in another account (${context.roleAccountId ?? "?"}) than the registry: add the repository policy shown on this page to each repository the portal pulls from.`,
      setupStep: "repository-policy",
    };
  }
  return {
    summary: `The identity is not allowed ${action}.`,
    fix: `Attach the permissions policy shown on this page (or AmazonEC2ContainerRegistryReadOnly) so that it allows ${action}${action === "ecr:GetAuthorizationToken" ? ' on "*"' : " on the repository"}.`,
    setupStep: "permissions",
    snippet: action,
  };
}

function explainRegistry(step: StepId, failure: Extract<CallFailure, { kind: "registry" }>, context: DiagnosisContext): Found {
  if (failure.httpStatus === 401) {
    return {
      summary: `The registry ${context.hostname} refused the ECR login token (401).`,
      fix: "The token comes from another account or region than this hostname. Check that the hostname's account and region are the registry's, and that the identity may call ecr:GetAuthorizationToken in that account.",
      setupStep: "registry",
    };
  }
  if (failure.httpStatus === 403) {
    return {
      summary: `The registry ${context.hostname} denied access to ${context.image ?? "the repository"} (403).`,
      fix: "Allow ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the repository (the permissions policy on this page), and for a cross-account role, the repository policy too.",
      setupStep: context.roleAccountId && context.registryAccountId && context.roleAccountId !== context.registryAccountId ? "repository-policy" : "permissions",
    };
  }
  if (failure.httpStatus === 404 && step === "manifest") {
    return {
      summary: `The image ${context.image ?? ""} was not found in ${context.hostname}.`.replace("  ", " "),
      fix: "Check the repository name and tag (or digest) exactly as shown in the ECR console; the registry itself answered, so authentication works.",
      setupStep: "image",
    };
  }
  return {
    summary: `The registry ${context.hostname} answered HTTP ${failure.httpStatus}${failure.code ? ` ${failure.code}` : ""}.`,
    fix: "This is the registry's answer unchanged; try again, and if it persists check the registry's status in the AWS Health Dashboard.",
    setupStep: "registry",
  };
}
