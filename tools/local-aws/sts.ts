// STS over the Query protocol: AssumeRoleWithWebIdentity (unsigned, as in
// AWS), AssumeRole and GetCallerIdentity. Sessions are temporary credentials
// (ASIA… key, secret, session token) that the SigV4 check accepts until they expire.
import { randomBytes } from "node:crypto";
import { AwsError } from "./aws-error";
import { evaluatePolicies, parsePolicy } from "./policy-evaluation";
import { identityDecision, principalIdentifiers, type Principal } from "./principals";
import type { XmlValue } from "./query-protocol";
import { iamId, isoSeconds, secretKey, type LocalAwsState, type Role, type RoleSession } from "./state";
import type { WebIdentityVerifier } from "./web-identity";

type Result = Record<string, XmlValue>;

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/;

export interface StsContext {
  state: LocalAwsState;
  params: URLSearchParams;
  now: number;
}

export function getCallerIdentity(principal: Principal): Result {
  return { UserId: principal.userId, Account: principal.accountId, Arn: principal.arn };
}

export async function assumeRoleWithWebIdentity(context: StsContext, verifier: WebIdentityVerifier): Promise<Result> {
  const roleArn = required(context, "RoleArn", "roleArn");
  const sessionName = validSessionName(required(context, "RoleSessionName", "roleSessionName"));
  const token = required(context, "WebIdentityToken", "webIdentityToken");
  const duration = requestedDuration(context);
  const match = ROLE_ARN.exec(roleArn);
  if (!match) throw new AwsError("ValidationError", "Request ARN is invalid", 400);
  const account = context.state.accounts[match[1]!];

  const identity = await verifier.verify(token, account);

  const denied = new AwsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
  const role = findRole(context.state, roleArn, match[1]!, match[2]!);
  if (!role) throw denied;
  const providerPath = identity.provider.arn.slice(identity.provider.arn.indexOf("oidc-provider/") + "oidc-provider/".length);
  const claimValues = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);
  const decision = evaluatePolicies([parsePolicy(role.assumeRolePolicy)], {
    action: "sts:AssumeRoleWithWebIdentity",
    principal: { Federated: [identity.provider.arn] },
    context: {
      [`${providerPath}:aud`]: [identity.audience],
      [`${providerPath}:sub`]: [identity.subject],
      [`${providerPath}:amr`]: claimValues(identity.claims.amr),
      [`${providerPath}:azp`]: claimValues(identity.claims.azp),
      [`${providerPath}:oaud`]: claimValues(identity.claims.aud),
      "aws:FederatedProvider": [identity.provider.arn],
    },
  });
  if (decision !== "allow") throw denied;
  checkMaxSessionDuration(role, duration);

  const session = startSession(context, role, sessionName, duration);
  return {
    Credentials: credentialsXml(session),
    SubjectFromWebIdentityToken: identity.subject,
    AssumedRoleUser: assumedRoleUserXml(session),
    Provider: identity.provider.arn,
    Audience: identity.audience,
  };
}

export function assumeRole(context: StsContext, caller: Principal): Result {
  const roleArn = required(context, "RoleArn", "roleArn");
  const sessionName = validSessionName(required(context, "RoleSessionName", "roleSessionName"));
  const duration = requestedDuration(context);
  const match = ROLE_ARN.exec(roleArn);
  if (!match) throw new AwsError("ValidationError", "Request ARN is invalid", 400);
  const denied = new AwsError("AccessDenied", `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  const role = findRole(context.state, roleArn, match[1]!, match[2]!);
  if (!role) throw denied;
  const asking = principalIdentifiers(caller);
  const trust = evaluatePolicies([parsePolicy(role.assumeRolePolicy)], {
    action: "sts:AssumeRole",
    principal: asking,
    context: { "aws:PrincipalArn": [caller.arn], "aws:PrincipalAccount": [caller.accountId] },
  });
  if (trust !== "allow") throw denied;
  // A trust policy naming the caller itself (same account) is enough; one
  // naming only the account also needs the caller's own policies to allow it.
  const callerArns = asking.AWS!.filter((identifier) => identifier.startsWith("arn:") && !identifier.endsWith(":root"));
  const namedDirectly =
    caller.accountId === match[1] && evaluatePolicies([parsePolicy(role.assumeRolePolicy)], { action: "sts:AssumeRole", principal: { AWS: callerArns } }) === "allow";
  if (!namedDirectly && identityDecision(context.state, caller, "sts:AssumeRole", role.arn) !== "allow") throw denied;
  checkMaxSessionDuration(role, duration);
  const session = startSession(context, role, sessionName, duration);
  return { Credentials: credentialsXml(session), AssumedRoleUser: assumedRoleUserXml(session) };
}

function findRole(state: LocalAwsState, roleArn: string, accountId: string, name: string): Role | undefined {
  const role = state.accounts[accountId]?.roles[name];
  return role && role.arn === roleArn ? role : undefined;
}

function required(context: StsContext, name: string, field: string): string {
  const value = context.params.get(name);
  if (value === null || value === "") {
    throw new AwsError("ValidationError", `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`, 400);
  }
  return value;
}

function validSessionName(name: string): string {
  if (name.length < 2 || name.length > 64) {
    throw new AwsError(
      "ValidationError",
      `1 validation error detected: Value '${name}' at 'roleSessionName' failed to satisfy constraint: Member must have length ${name.length < 2 ? "greater than or equal to 2" : "less than or equal to 64"}`,
      400,
    );
  }
  if (!/^[\w+=,.@-]*$/.test(name)) {
    throw new AwsError("ValidationError", `1 validation error detected: Value '${name}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`, 400);
  }
  return name;
}

function requestedDuration(context: StsContext): number {
  const raw = context.params.get("DurationSeconds");
  if (raw === null) return 3600;
  const duration = Number(raw);
  if (!Number.isInteger(duration) || duration < 900) {
    throw new AwsError("ValidationError", `1 validation error detected: Value '${raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`, 400);
  }
  if (duration > 43200) {
    throw new AwsError("ValidationError", `1 validation error detected: Value '${raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`, 400);
  }
  return duration;
}

function checkMaxSessionDuration(role: Role, duration: number): void {
  if (duration > role.maxSessionDuration) throw new AwsError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400);
}

function startSession(context: StsContext, role: Role, sessionName: string, duration: number): RoleSession {
  const accountId = role.arn.split(":")[4]!;
  const session: RoleSession = {
    accessKeyId: iamId("ASIA"),
    secretAccessKey: secretKey(),
    sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(180).toString("base64")}`,
    expiresAt: context.now + duration * 1000,
    accountId,
    roleName: role.name,
    roleId: role.id,
    sessionName,
  };
  context.state.sessions[session.accessKeyId] = session;
  return session;
}

function credentialsXml(session: RoleSession): Record<string, XmlValue> {
  return { AccessKeyId: session.accessKeyId, SecretAccessKey: session.secretAccessKey, SessionToken: session.sessionToken, Expiration: isoSeconds(session.expiresAt) };
}

function assumedRoleUserXml(session: RoleSession): Record<string, XmlValue> {
  return { AssumedRoleId: `${session.roleId}:${session.sessionName}`, Arn: `arn:aws:sts::${session.accountId}:assumed-role/${session.roleName}/${session.sessionName}` };
}
