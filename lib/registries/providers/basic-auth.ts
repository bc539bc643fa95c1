// The username + token/password credential most registries use, shared by
// the provider modules that offer it. Pure.
import type { AuthTypeSpec, FieldIssue, ProviderFieldValues } from "@/lib/registries/providers/types";

export function basicAuthType(input: { label?: string; hint: string; usernameLabel: string; usernameHelp: string; usernamePlaceholder?: string; passwordLabel: string; passwordHelp: string }): AuthTypeSpec {
  return {
    id: "basic",
    label: input.label ?? "Username and token",
    hint: input.hint,
    fields: [
      { name: "username", label: input.usernameLabel, help: input.usernameHelp, secret: false, ...(input.usernamePlaceholder ? { placeholder: input.usernamePlaceholder } : {}) },
      { name: "password", label: input.passwordLabel, help: input.passwordHelp, secret: true },
    ],
  };
}

export const USERNAME_MAX = 256;
export const PASSWORD_MAX = 4096;

/** The username always; the token only when a new one is being stored. */
export function checkBasicCredentials(values: ProviderFieldValues, needsSecret: boolean, names: { username: string; password: string; usernamePattern?: { pattern: RegExp; message: string } }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const username = values.username.trim();
  if (username === "") issues.push({ field: "username", message: `Enter the ${names.username}.` });
  else if (username.length > USERNAME_MAX || /[\s:]/.test(username)) issues.push({ field: "username", message: `The ${names.username} must not contain spaces or ":" (at most ${USERNAME_MAX} characters).` });
  else if (names.usernamePattern && !names.usernamePattern.pattern.test(username)) issues.push({ field: "username", message: names.usernamePattern.message });
  if (needsSecret) {
    if (values.password === "") issues.push({ field: "password", message: `Enter the ${names.password}.` });
    else if (values.password.length > PASSWORD_MAX || /[\r\n]/.test(values.password)) issues.push({ field: "password", message: `The ${names.password} must be one line of at most ${PASSWORD_MAX} characters.` });
  }
  return issues;
}
