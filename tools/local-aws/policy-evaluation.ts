// IAM policy evaluation, the parts this emulator needs: Allow/Deny statements,
// Action/NotAction and Resource/NotResource with wildcards, Principal matching
// for trust and resource policies, and the string condition operators with
// their ForAnyValue:/ForAllValues: and IfExists variants.

export type Decision = "allow" | "deny" | "implicit-deny";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | Record<string, string | string[]>;
  NotPrincipal?: "*" | Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean | number>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

export interface EvaluationRequest {
  action: string;
  /** Omitted for trust policies, which have no Resource. */
  resource?: string;
  /** For resource and trust policies: who is asking, as principal type → identifiers that match it. */
  principal?: Record<string, string[]>;
  /** Condition keys (compared case-insensitively) and their values. */
  context?: Record<string, string[]>;
}

export class MalformedPolicyError extends Error {}

/** Parses and checks the shape of a policy document; throws MalformedPolicyError. */
export function parsePolicy(text: string): PolicyDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MalformedPolicyError("Syntax errors in policy.");
  }
  if (!parsed || typeof parsed !== "object" || !("Statement" in parsed)) throw new MalformedPolicyError("Missing required field Statement");
  const document = parsed as PolicyDocument;
  for (const statement of statements(document)) {
    if (statement.Effect !== "Allow" && statement.Effect !== "Deny") throw new MalformedPolicyError("Invalid effect: " + String(statement.Effect));
    if (statement.Action === undefined && statement.NotAction === undefined) throw new MalformedPolicyError("Missing required field Action");
  }
  return document;
}

export function statements(document: PolicyDocument): PolicyStatement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

/** Explicit deny wins over allow; no matching allow is an implicit deny. */
export function evaluatePolicies(documents: PolicyDocument[], request: EvaluationRequest): Decision {
  let allowed = false;
  for (const document of documents) {
    for (const statement of statements(document)) {
      if (!statementApplies(statement, request)) continue;
      if (statement.Effect === "Deny") return "deny";
      allowed = true;
    }
  }
  return allowed ? "allow" : "implicit-deny";
}

function statementApplies(statement: PolicyStatement, request: EvaluationRequest): boolean {
  if (statement.Action !== undefined && !list(statement.Action).some((pattern) => wildcardMatch(pattern, request.action, true))) return false;
  if (statement.NotAction !== undefined && list(statement.NotAction).some((pattern) => wildcardMatch(pattern, request.action, true))) return false;
  if (request.resource !== undefined) {
    if (statement.Resource !== undefined && !list(statement.Resource).some((pattern) => wildcardMatch(pattern, request.resource!, false))) return false;
    if (statement.NotResource !== undefined && list(statement.NotResource).some((pattern) => wildcardMatch(pattern, request.resource!, false))) return false;
    if (statement.Resource === undefined && statement.NotResource === undefined && statement.Principal === undefined) return false;
  }
  if (request.principal !== undefined) {
    if (statement.Principal !== undefined && !principalMatches(statement.Principal, request.principal)) return false;
    if (statement.NotPrincipal !== undefined && principalMatches(statement.NotPrincipal, request.principal)) return false;
    if (statement.Principal === undefined && statement.NotPrincipal === undefined) return false;
  }
  return conditionsHold(statement.Condition, request.context ?? {});
}

function principalMatches(principal: "*" | Record<string, string | string[]>, asking: Record<string, string[]>): boolean {
  if (principal === "*") return true;
  return Object.entries(principal).some(([type, identifiers]) =>
    list(identifiers).some((identifier) => identifier === "*" || (asking[type] ?? []).includes(identifier)),
  );
}

function conditionsHold(condition: PolicyStatement["Condition"], context: Record<string, string[]>): boolean {
  if (!condition) return true;
  const lowerContext = new Map(Object.entries(context).map(([key, values]) => [key.toLowerCase(), values]));
  return Object.entries(condition).every(([operator, block]) =>
    Object.entries(block).every(([key, expected]) => conditionHolds(operator, lowerContext.get(key.toLowerCase()), list(expected).map(String))),
  );
}

function conditionHolds(rawOperator: string, values: string[] | undefined, expected: string[]): boolean {
  let operator = rawOperator;
  let set: "any" | "all" | undefined;
  if (operator.startsWith("ForAnyValue:")) [set, operator] = ["any", operator.slice("ForAnyValue:".length)];
  else if (operator.startsWith("ForAllValues:")) [set, operator] = ["all", operator.slice("ForAllValues:".length)];
  const ifExists = operator.endsWith("IfExists");
  if (ifExists) operator = operator.slice(0, -"IfExists".length);
  if (operator === "Null") {
    const isNull = values === undefined || values.length === 0;
    return expected.some((value) => (value === "true") === isNull);
  }
  const present = values !== undefined && values.length > 0;
  if (!present) {
    if (set === "all") return true;
    if (ifExists) return true;
    // A negated operator holds when the key is absent; a positive one does not.
    return set === undefined && operator.includes("Not");
  }
  const compare = comparator(operator);
  if (!compare) return false;
  const negated = operator.includes("Not");
  const matchesOne = (value: string) => (negated ? !expected.some((pattern) => compare(pattern, value)) : expected.some((pattern) => compare(pattern, value)));
  if (set === "all") return values.every(matchesOne);
  // Without a set operator a multi-valued key behaves as ForAnyValue.
  return values.some(matchesOne);
}

function comparator(operator: string): ((pattern: string, value: string) => boolean) | undefined {
  switch (operator) {
    case "StringEquals":
    case "StringNotEquals":
      return (pattern, value) => pattern === value;
    case "StringEqualsIgnoreCase":
    case "StringNotEqualsIgnoreCase":
      return (pattern, value) => pattern.toLowerCase() === value.toLowerCase();
    case "StringLike":
    case "StringNotLike":
      return (pattern, value) => wildcardMatch(pattern, value, false);
    case "ArnEquals":
    case "ArnLike":
    case "ArnNotEquals":
    case "ArnNotLike":
      return (pattern, value) => wildcardMatch(pattern, value, false);
    case "Bool":
      return (pattern, value) => pattern.toLowerCase() === value.toLowerCase();
    default:
      return undefined;
  }
}

/** `*` matches any run of characters and `?` exactly one. */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

function list<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
