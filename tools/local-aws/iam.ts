// IAM over the Query protocol: OpenID Connect providers, roles with trust and
// permission policies, users and access keys. IAM is global (us-east-1).
import { AwsError, accessDeniedMessage } from "./aws-error";
import { MANAGED_POLICIES } from "./managed-policies";
import { MalformedPolicyError, parsePolicy, statements } from "./policy-evaluation";
import { identityDecision, unknownAwsPrincipal, type Principal } from "./principals";
import { memberList, tagList, type XmlValue } from "./query-protocol";
import { iamId, isoSeconds, secretKey, type AccountState, type LocalAwsState, type Role, type User } from "./state";

export interface IamContext {
  state: LocalAwsState;
  params: URLSearchParams;
  principal: Principal;
  now: number;
}

type Result = Record<string, XmlValue> | undefined;

const operations: Record<string, { resource: (context: IamContext) => string; run: (context: IamContext, account: AccountState) => Result }> = {
  CreateOpenIDConnectProvider: { resource: providerResourceFromUrl, run: createOpenIdConnectProvider },
  GetOpenIDConnectProvider: {
    resource: (context) => required(context, "OpenIDConnectProviderArn"),
    run: (context, account) => {
      const provider = findProvider(context, account);
      return {
        Url: provider.url.replace(/^https?:\/\//, ""),
        ClientIDList: provider.clientIds,
        ThumbprintList: provider.thumbprints,
        CreateDate: provider.createDate,
        Tags: provider.tags,
      };
    },
  },
  DeleteOpenIDConnectProvider: {
    resource: (context) => required(context, "OpenIDConnectProviderArn"),
    run: (context, account) => {
      delete account.providers[findProvider(context, account).arn];
      return undefined;
    },
  },
  ListOpenIDConnectProviders: {
    resource: () => "*",
    run: (_context, account) => ({ OpenIDConnectProviderList: Object.keys(account.providers).map((arn) => ({ Arn: arn })) }),
  },
  AddClientIDToOpenIDConnectProvider: {
    resource: (context) => required(context, "OpenIDConnectProviderArn"),
    run: (context, account) => {
      const provider = findProvider(context, account);
      const clientId = required(context, "ClientID");
      if (!provider.clientIds.includes(clientId)) provider.clientIds.push(clientId);
      return undefined;
    },
  },
  UpdateOpenIDConnectProviderThumbprint: {
    resource: (context) => required(context, "OpenIDConnectProviderArn"),
    run: (context, account) => {
      findProvider(context, account).thumbprints = thumbprintList(context);
      return undefined;
    },
  },
  CreateRole: { resource: (context) => roleArn(context.principal.accountId, required(context, "RoleName"), context.params.get("Path") ?? "/"), run: createRole },
  GetRole: { resource: roleResource, run: (context, account) => ({ Role: roleXml(findRole(context, account)) }) },
  DeleteRole: {
    resource: roleResource,
    run: (context, account) => {
      const role = findRole(context, account);
      if (Object.keys(role.inlinePolicies).length > 0) throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
      if (role.attachedPolicyArns.length > 0) throw new AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
      delete account.roles[role.name];
      return undefined;
    },
  },
  UpdateAssumeRolePolicy: {
    resource: roleResource,
    run: (context, account) => {
      const role = findRole(context, account);
      role.assumeRolePolicy = trustPolicy(context, required(context, "PolicyDocument"));
      return undefined;
    },
  },
  PutRolePolicy: {
    resource: roleResource,
    run: (context, account) => {
      findRole(context, account).inlinePolicies[required(context, "PolicyName")] = permissionsPolicy(required(context, "PolicyDocument"));
      return undefined;
    },
  },
  GetRolePolicy: {
    resource: roleResource,
    run: (context, account) => {
      const role = findRole(context, account);
      const name = required(context, "PolicyName");
      const document = role.inlinePolicies[name];
      if (document === undefined) throw new AwsError("NoSuchEntity", `The role policy with name ${name} cannot be found.`, 404);
      return { RoleName: role.name, PolicyName: name, PolicyDocument: encodeURIComponent(document) };
    },
  },
  DeleteRolePolicy: {
    resource: roleResource,
    run: (context, account) => {
      const role = findRole(context, account);
      const name = required(context, "PolicyName");
      if (role.inlinePolicies[name] === undefined) throw new AwsError("NoSuchEntity", `The role policy with name ${name} cannot be found.`, 404);
      delete role.inlinePolicies[name];
      return undefined;
    },
  },
  ListRolePolicies: { resource: roleResource, run: (context, account) => ({ PolicyNames: Object.keys(findRole(context, account).inlinePolicies), IsTruncated: false }) },
  AttachRolePolicy: {
    resource: roleResource,
    run: (context, account) => {
      attach(findRole(context, account), knownPolicyArn(context));
      return undefined;
    },
  },
  DetachRolePolicy: {
    resource: roleResource,
    run: (context, account) => {
      detach(findRole(context, account), required(context, "PolicyArn"));
      return undefined;
    },
  },
  ListAttachedRolePolicies: {
    resource: roleResource,
    run: (context, account) => ({ AttachedPolicies: findRole(context, account).attachedPolicyArns.map(attachedPolicyXml), IsTruncated: false }),
  },
  CreateUser: { resource: (context) => userArn(context.principal.accountId, required(context, "UserName"), context.params.get("Path") ?? "/"), run: createUser },
  GetUser: {
    resource: (context) => (context.params.get("UserName") ? userArn(context.principal.accountId, context.params.get("UserName")!, "/") : context.principal.arn),
    run: (context, account) => ({ User: userXml(context.params.get("UserName") ? findUser(context, account) : callerAsUser(context, account)) }),
  },
  CreateAccessKey: {
    resource: (context) => userArn(context.principal.accountId, context.params.get("UserName") ?? context.principal.name ?? "root", "/"),
    run: (context, account) => {
      const user = context.params.get("UserName") ? findUser(context, account) : callerAsUser(context, account);
      const key = { accessKeyId: iamId("AKIA"), secretAccessKey: secretKey(), accountId: account.accountId, userName: user.name, status: "Active" as const, createDate: isoSeconds(context.now) };
      context.state.accessKeys[key.accessKeyId] = key;
      return { AccessKey: { UserName: user.name, AccessKeyId: key.accessKeyId, Status: key.status, SecretAccessKey: key.secretAccessKey, CreateDate: key.createDate } };
    },
  },
  PutUserPolicy: {
    resource: userResource,
    run: (context, account) => {
      findUser(context, account).inlinePolicies[required(context, "PolicyName")] = permissionsPolicy(required(context, "PolicyDocument"));
      return undefined;
    },
  },
  AttachUserPolicy: {
    resource: userResource,
    run: (context, account) => {
      attach(findUser(context, account), knownPolicyArn(context));
      return undefined;
    },
  },
};

export function isIamOperation(action: string): boolean {
  return Object.hasOwn(operations, action);
}

export function handleIam(action: string, context: IamContext): Result {
  const operation = operations[action];
  if (!operation) throw new AwsError("InvalidAction", `Could not find operation ${action} for version 2010-05-08`, 400);
  const account = context.state.accounts[context.principal.accountId];
  if (!account) throw new AwsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
  const resource = operation.resource(context);
  const decision = identityDecision(context.state, context.principal, `iam:${action}`, resource);
  if (decision !== "allow") {
    const reason = decision === "deny" ? "identity-deny" : "no-identity-allow";
    throw new AwsError("AccessDenied", accessDeniedMessage({ principalArn: context.principal.arn, action: `iam:${action}`, resource, reason }), 403);
  }
  return operation.run(context, account);
}

function required(context: IamContext, name: string): string {
  const value = context.params.get(name);
  if (value === null || value === "") {
    throw new AwsError("ValidationError", `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`, 400);
  }
  return value;
}

function providerResourceFromUrl(context: IamContext): string {
  return `arn:aws:iam::${context.principal.accountId}:oidc-provider/${required(context, "Url").replace(/^https?:\/\//, "")}`;
}

function thumbprintList(context: IamContext): string[] {
  const thumbprints = memberList(context.params, "ThumbprintList");
  for (const thumbprint of thumbprints) {
    if (!/^[0-9a-fA-F]{40}$/.test(thumbprint)) {
      throw new AwsError(
        "ValidationError",
        "1 validation error detected: Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]",
        400,
      );
    }
  }
  return thumbprints.map((thumbprint) => thumbprint.toLowerCase());
}

function createOpenIdConnectProvider(context: IamContext, account: AccountState): Result {
  const url = required(context, "Url").replace(/\/+$/, "");
  // AWS accepts only https://; http:// is allowed here so that a portal on a
  // developer machine or in the end-to-end tests can be the issuer.
  if (!/^https?:\/\/[^/?#]+/.test(url) || url.includes("?") || url.includes("#")) {
    throw new AwsError("InvalidInput", "Invalid URL: must start with https:// and have no query or fragment.", 400);
  }
  const arn = `arn:aws:iam::${account.accountId}:oidc-provider/${url.replace(/^https?:\/\//, "")}`;
  if (account.providers[arn]) throw new AwsError("EntityAlreadyExists", `Provider with url ${url} already exists.`, 409);
  account.providers[arn] = {
    arn,
    url,
    clientIds: memberList(context.params, "ClientIDList"),
    thumbprints: thumbprintList(context),
    createDate: isoSeconds(context.now),
    tags: tagList(context.params),
  };
  return { OpenIDConnectProviderArn: arn, Tags: account.providers[arn].tags };
}

function findProvider(context: IamContext, account: AccountState) {
  const arn = required(context, "OpenIDConnectProviderArn");
  const provider = account.providers[arn];
  if (!provider) throw new AwsError("NoSuchEntity", `OpenIDConnect Provider not found for arn ${arn}`, 404);
  return provider;
}

function roleArn(accountId: string, name: string, path: string): string {
  return `arn:aws:iam::${accountId}:role${path}${name}`;
}

function userArn(accountId: string, name: string, path: string): string {
  return `arn:aws:iam::${accountId}:user${path}${name}`;
}

function roleResource(context: IamContext): string {
  const name = required(context, "RoleName");
  const role = context.state.accounts[context.principal.accountId]?.roles[name];
  return role?.arn ?? roleArn(context.principal.accountId, name, "/");
}

function userResource(context: IamContext): string {
  const name = required(context, "UserName");
  return context.state.accounts[context.principal.accountId]?.users[name]?.arn ?? userArn(context.principal.accountId, name, "/");
}

function validName(name: string, kind: "roleName" | "userName"): string {
  if (!/^[\w+=,.@-]{1,64}$/.test(name)) {
    throw new AwsError("ValidationError", `1 validation error detected: Value '${name}' at '${kind}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`, 400);
  }
  return name;
}

function createRole(context: IamContext, account: AccountState): Result {
  const name = validName(required(context, "RoleName"), "roleName");
  if (account.roles[name]) throw new AwsError("EntityAlreadyExists", `Role with name ${name} already exists.`, 409);
  const maxSessionDuration = Number(context.params.get("MaxSessionDuration") ?? 3600);
  if (!Number.isInteger(maxSessionDuration) || maxSessionDuration < 3600 || maxSessionDuration > 43200) {
    throw new AwsError(
      "ValidationError",
      `1 validation error detected: Value '${context.params.get("MaxSessionDuration")}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value ${maxSessionDuration < 3600 ? "greater than or equal to 3600" : "less than or equal to 43200"}`,
      400,
    );
  }
  const path = context.params.get("Path") ?? "/";
  const role: Role = {
    name,
    id: iamId("AROA"),
    arn: roleArn(account.accountId, name, path),
    path,
    assumeRolePolicy: trustPolicy(context, required(context, "AssumeRolePolicyDocument")),
    maxSessionDuration,
    description: context.params.get("Description") ?? undefined,
    createDate: isoSeconds(context.now),
    inlinePolicies: {},
    attachedPolicyArns: [],
  };
  account.roles[name] = role;
  return { Role: roleXml(role) };
}

function findRole(context: IamContext, account: AccountState): Role {
  const name = required(context, "RoleName");
  const role = account.roles[name];
  if (!role) throw new AwsError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);
  return role;
}

function roleXml(role: Role): Record<string, XmlValue> {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: role.createDate,
    AssumeRolePolicyDocument: encodeURIComponent(role.assumeRolePolicy),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
  };
}

function createUser(context: IamContext, account: AccountState): Result {
  const name = validName(required(context, "UserName"), "userName");
  if (account.users[name]) throw new AwsError("EntityAlreadyExists", `User with name ${name} already exists.`, 409);
  const path = context.params.get("Path") ?? "/";
  const user: User = { name, id: iamId("AIDA"), arn: userArn(account.accountId, name, path), path, createDate: isoSeconds(context.now), inlinePolicies: {}, attachedPolicyArns: [] };
  account.users[name] = user;
  return { User: userXml(user) };
}

function findUser(context: IamContext, account: AccountState): User {
  const name = required(context, "UserName");
  const user = account.users[name];
  if (!user) throw new AwsError("NoSuchEntity", `The user with name ${name} cannot be found.`, 404);
  return user;
}

function callerAsUser(context: IamContext, account: AccountState): User {
  const user = context.principal.kind === "user" ? account.users[context.principal.name!] : undefined;
  if (!user) throw new AwsError("ValidationError", "Must specify userName when calling with non-User credentials", 400);
  return user;
}

function userXml(user: User): Record<string, XmlValue> {
  return { Path: user.path, UserName: user.name, UserId: user.id, Arn: user.arn, CreateDate: user.createDate };
}

function knownPolicyArn(context: IamContext): string {
  const arn = required(context, "PolicyArn");
  if (!MANAGED_POLICIES[arn]) throw new AwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`, 404);
  return arn;
}

function attach(entity: { attachedPolicyArns: string[] }, arn: string): void {
  if (!entity.attachedPolicyArns.includes(arn)) entity.attachedPolicyArns.push(arn);
}

function detach(entity: { attachedPolicyArns: string[] }, arn: string): void {
  if (!entity.attachedPolicyArns.includes(arn)) throw new AwsError("NoSuchEntity", `Policy ${arn} was not found.`, 404);
  entity.attachedPolicyArns = entity.attachedPolicyArns.filter((attached) => attached !== arn);
}

function attachedPolicyXml(arn: string): Record<string, XmlValue> {
  return { PolicyName: arn.slice(arn.lastIndexOf("/") + 1), PolicyArn: arn };
}

/** A role's trust policy: principals that exist, no resources. */
function trustPolicy(context: IamContext, text: string): string {
  const document = policyOrMalformed(text);
  for (const statement of statements(document)) {
    if (statement.Resource !== undefined || statement.NotResource !== undefined) throw new AwsError("MalformedPolicyDocument", "Has prohibited field Resource", 400);
    if (statement.Principal === undefined && statement.NotPrincipal === undefined) throw new AwsError("MalformedPolicyDocument", "Missing required field Principal", 400);
  }
  const unknown = unknownAwsPrincipal(context.state, document);
  if (unknown) throw new AwsError("MalformedPolicyDocument", `Invalid principal in policy: "AWS":"${unknown}"`, 400);
  return text;
}

/** An identity policy: resources, no principals. */
function permissionsPolicy(text: string): string {
  const document = policyOrMalformed(text);
  for (const statement of statements(document)) {
    if (statement.Principal !== undefined || statement.NotPrincipal !== undefined) throw new AwsError("MalformedPolicyDocument", "Policy document should not specify a principal.", 400);
    if (statement.Resource === undefined && statement.NotResource === undefined) throw new AwsError("MalformedPolicyDocument", "Policy statement must contain resources.", 400);
  }
  return text;
}

function policyOrMalformed(text: string) {
  try {
    return parsePolicy(text);
  } catch (error) {
    if (error instanceof MalformedPolicyError) throw new AwsError("MalformedPolicyDocument", error.message, 400);
    throw error;
  }
}
