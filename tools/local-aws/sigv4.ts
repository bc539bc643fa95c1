// Signature Version 4 checked the way AWS checks it: the signature is
// recomputed with the secret stored for the access key (and the session token
// of temporary credentials) over exactly the headers the client signed, and
// compared with the one sent.
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";

export interface ReceivedRequest {
  method: string;
  /** The path as sent on the wire (percent-encoded). */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SignatureHeader {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

/** The parts of an `Authorization: AWS4-HMAC-SHA256 …` header, or null if it is not one. */
export function parseSignatureHeader(header: string | undefined): SignatureHeader | null {
  const match = header ? AUTHORIZATION.exec(header) : null;
  if (!match) return null;
  return { accessKeyId: match[1]!, date: match[2]!, region: match[3]!, service: match[4]!, signedHeaders: match[5]!.split(";"), signature: match[6]! };
}

export async function signatureMatches(
  request: ReceivedRequest,
  signature: SignatureHeader,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): Promise<boolean> {
  const amzDate = headerValue(request.headers, "x-amz-date");
  if (!amzDate || !amzDate.startsWith(signature.date)) return false;
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) return false;
  const headers: Record<string, string> = {};
  for (const name of signature.signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value === undefined) return false;
    headers[name] = value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of request.query) {
    const existing = query[name];
    query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const host = headers.host ?? "";
  // applyChecksum off: the signer must not add an x-amz-content-sha256 header the client never sent (botocore does not).
  const signer = new SignatureV4({ service: signature.service, region: signature.region, credentials, sha256: Sha256, uriEscapePath: signature.service !== "s3", applyChecksum: false });
  const signed = await signer.sign(
    new HttpRequest({ method: request.method, protocol: "http:", hostname: host, path: decodePath(request.rawPath), query, headers, body: new Uint8Array(request.body) }),
    { signingDate, signableHeaders: new Set(signature.signedHeaders), signingRegion: signature.region, signingService: signature.service },
  );
  const expected = parseSignatureHeader(signed.headers.authorization ?? signed.headers.Authorization)?.signature;
  if (!expected) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(signature.signature));
}

const ALLOWED_SKEW_MS = 15 * 60_000;

/**
 * AWS's refusal of a request signed more than 15 minutes away from its clock,
 * or undefined. Compared with the machine's clock, which is what the client
 * signs with, not the emulator's (possibly advanced) clock.
 */
export function signatureTimeProblem(headers: IncomingHttpHeaders, realNow = Date.now()): string | undefined {
  const amzDate = headerValue(headers, "x-amz-date");
  const signedAt = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!amzDate || !signedAt) return undefined;
  const format = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  if (signedAt.getTime() < realNow - ALLOWED_SKEW_MS) return `Signature expired: ${amzDate} is now earlier than ${format(realNow - ALLOWED_SKEW_MS)} (${format(realNow)} - 15 min.)`;
  if (signedAt.getTime() > realNow + ALLOWED_SKEW_MS) return `Signature not yet current: ${amzDate} is still later than ${format(realNow + ALLOWED_SKEW_MS)} (${format(realNow)} + 15 min.)`;
  return undefined;
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(",") : value;
}

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])));
}

function decodePath(rawPath: string): string {
  return rawPath
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/");
}
