// Who is calling: the signed request's access key resolved to the account
// root, an IAM user, or an assumed-role session, and the identity policies
// that apply to it.
import { AwsError } from "./aws-error";
import { MANAGED_POLICIES } from "./managed-policies";
import { evaluatePolicies, parsePolicy, statements, type Decision, type PolicyDocument } from "./policy-evaluation";
import { headerValue, parseSignatureHeader, signatureMatches, signatureTimeProblem, type ReceivedRequest, type SignatureHeader } from "./sigv4";
import type { IamEntityPolicies, LocalAwsState } from "./state";

export interface Principal {
  kind: "root" | "user" | "assumed-role";
  accountId: string;
  arn: string;
  userId: string;
  accessKeyId: string;
  /** The IAM user or role name. */
  name?: string;
  sessionName?: string;
}

export type Protocol = "query" | "json";

const INVALID_TOKEN = "The security token included in the request is invalid.";
const EXPIRED_TOKEN = "The security token included in the request is expired";
const BAD_SIGNATURE =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

function invalidToken(protocol: Protocol): AwsError {
  return protocol === "query" ? new AwsError("InvalidClientTokenId", INVALID_TOKEN, 403) : new AwsError("UnrecognizedClientException", INVALID_TOKEN, 400);
}

/** Verifies the request's SigV4 signature and returns the caller; throws AWS's errors. */
export async function authenticate(state: LocalAwsState, request: ReceivedRequest, protocol: Protocol, now: number): Promise<{ principal: Principal; signature: SignatureHeader }> {
  const signature = parseSignatureHeader(headerValue(request.headers, "authorization"));
  if (!signature) {
    throw protocol === "query"
      ? new AwsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403)
      : new AwsError("MissingAuthenticationTokenException", "Missing Authentication Token", 403);
  }
  const sentToken = headerValue(request.headers, "x-amz-security-token");
  const timeProblem = signatureTimeProblem(request.headers);
  const key = state.accessKeys[signature.accessKeyId];
  const session = state.sessions[signature.accessKeyId];
  if (key && key.status === "Active" && sentToken === undefined) {
    if (timeProblem) throw badSignature(protocol, timeProblem);
    if (!(await signatureMatches(request, signature, key))) throw badSignature(protocol);
    if (key.userName === null) {
      return { signature, principal: { kind: "root", accountId: key.accountId, arn: `arn:aws:iam::${key.accountId}:root`, userId: key.accountId, accessKeyId: key.accessKeyId } };
    }
    const user = state.accounts[key.accountId]?.users[key.userName];
    if (!user) throw invalidToken(protocol);
    return { signature, principal: { kind: "user", accountId: key.accountId, arn: user.arn, userId: user.id, accessKeyId: key.accessKeyId, name: user.name } };
  }
  if (session && sentToken === session.sessionToken) {
    if (timeProblem) throw badSignature(protocol, timeProblem);
    if (!(await signatureMatches(request, signature, session))) throw badSignature(protocol);
    if (now >= session.expiresAt) throw protocol === "query" ? new AwsError("ExpiredToken", EXPIRED_TOKEN, 403) : new AwsError("ExpiredTokenException", EXPIRED_TOKEN, 400);
    return {
      signature,
      principal: {
        kind: "assumed-role",
        accountId: session.accountId,
        arn: `arn:aws:sts::${session.accountId}:assumed-role/${session.roleName}/${session.sessionName}`,
        userId: `${session.roleId}:${session.sessionName}`,
        accessKeyId: session.accessKeyId,
        name: session.roleName,
        sessionName: session.sessionName,
      },
    };
  }
  throw invalidToken(protocol);
}

function badSignature(protocol: Protocol, message = BAD_SIGNATURE): AwsError {
  return protocol === "query" ? new AwsError("SignatureDoesNotMatch", message, 403) : new AwsError("InvalidSignatureException", message, 400);
}

/** The principal behind an access key (for ECR tokens, evaluated when used). */
export function principalOfAccessKey(state: LocalAwsState, accessKeyId: string): Principal | undefined {
  const key = state.accessKeys[accessKeyId];
  if (key) {
    if (key.userName === null) return { kind: "root", accountId: key.accountId, arn: `arn:aws:iam::${key.accountId}:root`, userId: key.accountId, accessKeyId };
    const user = state.accounts[key.accountId]?.users[key.userName];
    return user && { kind: "user", accountId: key.accountId, arn: user.arn, userId: user.id, accessKeyId, name: user.name };
  }
  const session = state.sessions[accessKeyId];
  if (!session) return undefined;
  return {
    kind: "assumed-role",
    accountId: session.accountId,
    arn: `arn:aws:sts::${session.accountId}:assumed-role/${session.roleName}/${session.sessionName}`,
    userId: `${session.roleId}:${session.sessionName}`,
    accessKeyId,
    name: session.roleName,
    sessionName: session.sessionName,
  };
}

export function identityPolicies(state: LocalAwsState, principal: Principal): PolicyDocument[] {
  const account = state.accounts[principal.accountId];
  let entity: IamEntityPolicies | undefined;
  if (principal.kind === "user") entity = account?.users[principal.name!];
  if (principal.kind === "assumed-role") entity = account?.roles[principal.name!];
  if (!entity) return [];
  return [
    ...Object.values(entity.inlinePolicies).map((text) => parsePolicy(text)),
    ...entity.attachedPolicyArns.flatMap((arn) => (MANAGED_POLICIES[arn] ? [MANAGED_POLICIES[arn]] : [])),
  ];
}

/** The identity-based decision; an account's root may do anything in its own account. */
export function identityDecision(state: LocalAwsState, principal: Principal, action: string, resource: string): Decision {
  if (principal.kind === "root") return "allow";
  return evaluatePolicies(identityPolicies(state, principal), { action, resource });
}

/** The identifiers a resource or trust policy's `Principal: { AWS: … }` may use for this caller. */
export function principalIdentifiers(principal: Principal): Record<string, string[]> {
  const identifiers = [principal.arn, principal.accountId, `arn:aws:iam::${principal.accountId}:root`];
  if (principal.kind === "assumed-role") identifiers.push(`arn:aws:iam::${principal.accountId}:role/${principal.name}`);
  return { AWS: identifiers };
}

/**
 * The first `Principal: { AWS: … }` of a trust or resource policy that names
 * no existing account, role or user, as IAM and ECR refuse such policies.
 */
export function unknownAwsPrincipal(state: LocalAwsState, document: PolicyDocument): string | undefined {
  for (const statement of statements(document)) {
    for (const principal of [statement.Principal, statement.NotPrincipal]) {
      if (!principal || principal === "*" || principal.AWS === undefined) continue;
      for (const identifier of Array.isArray(principal.AWS) ? principal.AWS : [principal.AWS]) {
        if (identifier === "*") continue;
        const account = /^(\d{12})$/.exec(identifier) ?? /^arn:aws:iam::(\d{12}):root$/.exec(identifier);
        if (account) {
          if (!state.accounts[account[1]!]) return identifier;
          continue;
        }
        const entity = /^arn:aws:iam::(\d{12}):(role|user)\/(?:[^*?]*\/)?([\w+=,.@-]+)$/.exec(identifier);
        const owner = entity && state.accounts[entity[1]!];
        const exists = owner && (entity[2] === "role" ? owner.roles[entity[3]!] : owner.users[entity[3]!])?.arn === identifier;
        if (!exists) return identifier;
      }
    }
  }
  return undefined;
}
