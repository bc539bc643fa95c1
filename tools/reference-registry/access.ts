// Who may do what in the reference registry's token mode: users with a
// password and access rules, and the Docker token spec's scope strings
// (`repository:<name>:<actions>`), granted as the spec says: a subset of what
// was asked, never an error for what is not allowed.
export type RegistryAction = "pull" | "push" | "delete" | "*";

export interface AccessRule {
  /** A repository name, or a prefix ending in `*` (`vendor/*`, `*` for all). */
  repository: string;
  actions: RegistryAction[];
}

export interface ReferenceUser {
  username: string;
  password: string;
  /** What the user may do in token mode (default: pull and push everywhere). htpasswd mode grants everything. */
  access?: AccessRule[];
}

export interface GrantedAccess {
  type: string;
  name: string;
  actions: string[];
}

export const FULL_ACCESS: AccessRule[] = [{ repository: "*", actions: ["pull", "push"] }];

/** `repository:vendor/app:pull,push` → { type, name, actions }; names may hold colons (a port), so the actions are after the last one. */
export function parseScope(scope: string): GrantedAccess | undefined {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  if (first <= 0 || last === first) return undefined;
  const name = scope.slice(first + 1, last);
  const actions = scope.slice(last + 1).split(",").filter(Boolean);
  if (!name || actions.length === 0) return undefined;
  return { type: scope.slice(0, first), name, actions };
}

function ruleMatches(rule: AccessRule, repository: string): boolean {
  if (rule.repository.endsWith("*")) return repository.startsWith(rule.repository.slice(0, -1));
  return rule.repository === repository;
}

/** The part of each requested scope the rules allow; scopes with nothing allowed are left out. */
export function grantAccess(requested: string[], rules: AccessRule[]): GrantedAccess[] {
  const granted: GrantedAccess[] = [];
  for (const scope of requested.flatMap((value) => value.split(" ")).filter(Boolean)) {
    const parsed = parseScope(scope);
    if (!parsed || parsed.type !== "repository") continue;
    const allowed = new Set(rules.filter((rule) => ruleMatches(rule, parsed.name)).flatMap((rule) => rule.actions));
    const actions = parsed.actions.filter((action) => allowed.has("*") || allowed.has(action as RegistryAction));
    if (actions.length > 0) granted.push({ type: parsed.type, name: parsed.name, actions });
  }
  return granted;
}
