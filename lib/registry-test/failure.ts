// Turns whatever a call threw (an AWS service error, a network error, a
// timeout) into one plain shape the diagnosis can reason about.
import { randomUUID } from "node:crypto";

export type CallFailure =
  | { kind: "aws"; code: string; message: string; httpStatus?: number; requestId?: string }
  | { kind: "timeout"; seconds: number; wholeTest: boolean }
  | { kind: "network"; code: string; message: string }
  | {
      kind: "registry";
      httpStatus: number;
      code?: string;
      message?: string;
      /** Who answered (OCI providers): the registry's /v2/ API, its token server, ACR's exchange, Entra ID or a keyless federation's token endpoint. */
      stage?: "ping" | "token" | "exchange" | "entra" | "federation" | "google-sts" | "google-iam" | "manifest";
      /** The Bearer challenge's error parameter, e.g. insufficient_scope. */
      challengeError?: string;
    }
  /** AWS or the registry answered, but not with what the protocol promises. */
  | { kind: "answer"; message: string }
  /** A bug or an outage inside the portal; logged with this ID, never shown in detail. */
  | { kind: "internal"; requestId: string };

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ETIMEDOUT", "CERT_HAS_EXPIRED", "DEPTH_ZERO_SELF_SIGNED_CERT", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN", "ERR_TLS_CERT_ALTNAME_INVALID"]);

// The SDK names STS's modeled errors after their classes; vendors and AWS's
// documentation know them by their wire codes.
const QUERY_ERROR_CODES: Record<string, string> = {
  InvalidIdentityTokenException: "InvalidIdentityToken",
  IDPCommunicationErrorException: "IDPCommunicationError",
  IDPRejectedClaimException: "IDPRejectedClaim",
  MalformedPolicyDocumentException: "MalformedPolicyDocument",
  PackedPolicyTooLargeException: "PackedPolicyTooLarge",
};

/** An answer that breaks the protocol; its message is written for the vendor. */
export class UnexpectedAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnexpectedAnswerError";
  }
}

export class CallTimeoutError extends Error {
  constructor(
    readonly seconds: number,
    readonly wholeTest = false,
  ) {
    super(`no answer within ${seconds} s`);
    this.name = "CallTimeoutError";
  }
}

export function toCallFailure(error: unknown): CallFailure {
  if (error instanceof CallTimeoutError) return { kind: "timeout", seconds: error.seconds, wholeTest: error.wholeTest };
  const e = error as { name?: string; code?: string; message?: string; cause?: unknown; $metadata?: { httpStatusCode?: number; requestId?: string }; $fault?: string } | null;
  const networkCode = findNetworkCode(error);
  if (networkCode) return { kind: "network", code: networkCode, message: describeNetworkCode(networkCode) };
  if (e && e.$metadata && typeof e.name === "string") {
    return {
      kind: "aws",
      code: QUERY_ERROR_CODES[e.name] ?? e.name,
      message: e.message ?? "",
      ...(e.$metadata.httpStatusCode !== undefined ? { httpStatus: e.$metadata.httpStatusCode } : {}),
      ...(e.$metadata.requestId ? { requestId: e.$metadata.requestId } : {}),
    };
  }
  if (error instanceof UnexpectedAnswerError) return { kind: "answer", message: error.message };
  if (e?.name === "CredentialsProviderError") return { kind: "network", code: "CredentialsProviderError", message: "no AWS credentials were found in the portal's environment" };
  const requestId = randomUUID();
  console.error(`[${requestId}] registry test step failed:`, e?.name ?? "Error", e?.message ?? "");
  return { kind: "internal", requestId };
}

function findNetworkCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function describeNetworkCode(code: string): string {
  switch (code) {
    case "ECONNREFUSED":
      return "the connection was refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name did not resolve in DNS";
    case "ECONNRESET":
    case "EPIPE":
      return "the connection was closed mid-request";
    case "ETIMEDOUT":
      return "the connection timed out";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "there is no network route to the host";
    default:
      return `the TLS certificate was not accepted (${code})`;
  }
}
