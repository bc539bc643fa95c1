// The shape every registry provider module has (lib/registries/providers/<id>.ts).
// Pure: the form renders its fields and guide in the browser from the same
// object the server validates with, and the Test and the proxy ask it how to
// log in. Code elsewhere switches on nothing: it asks the provider.
import type { ParseResult } from "@/lib/parse-result";

export const REGISTRY_PROVIDERS = ["ecr", "docker-hub", "ghcr", "quay", "gitlab", "google", "azure", "generic"] as const;
export type RegistryProvider = (typeof REGISTRY_PROVIDERS)[number];

export const REGISTRY_AUTH_TYPES = ["access_key", "iam_role", "ambient", "basic", "anonymous", "json_key", "service_principal"] as const;
export type RegistryAuthType = (typeof REGISTRY_AUTH_TYPES)[number];

/** Harbor, Nexus, JFrog and any other OCI registry are one provider ("generic"); the flavor only shapes the guide. */
export const GENERIC_FLAVORS = ["harbor", "nexus", "jfrog", "other"] as const;
export type GenericFlavor = (typeof GENERIC_FLAVORS)[number];

/** The form's credential fields (names of the registry input; see lib/registries/schema.ts). */
export type CredentialField = "accessKeyId" | "secretAccessKey" | "roleArn" | "roleAccountId" | "username" | "password" | "jsonKey" | "tenantId" | "clientId" | "clientSecret";

export interface FieldSpec {
  name: CredentialField;
  label: string;
  /** Shown under the field: what to paste and where it comes from. */
  help: string;
  placeholder?: string;
  /** Write-only: never shown again, masked while typed, kept unless replaced. */
  secret: boolean;
  /** A textarea (the Google JSON key). */
  multiline?: boolean;
}

export interface AuthTypeSpec {
  id: RegistryAuthType;
  label: string;
  hint: string;
  fields: FieldSpec[];
}

/** One step of a provider's setup guide; `command` is shown as a copyable block. */
export interface GuideStep {
  title: string;
  body: string;
  command?: string;
}

export interface ProviderSetupGuide {
  /** Where the credential is created, in the provider's own words. */
  steps: GuideStep[];
  /** The least the credential must be allowed. */
  minimumPermission: string;
  /** The token scope a pull of `repository` needs, e.g. repository:org/app:pull. */
  pullScope: string;
}

/** What the vendor typed for a provider's credential fields (the non-secret ones are in the registry's settings). */
export interface ProviderFieldValues {
  authType: RegistryAuthType;
  hostname: string;
  accessKeyId: string;
  secretAccessKey: string;
  roleArn: string;
  roleAccountId?: string | undefined;
  username: string;
  password: string;
  jsonKey: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface FieldIssue {
  field: CredentialField | "hostname" | "authType";
  message: string;
}

/** Wording of the Test's diagnoses in the provider's own terms. */
export interface ProviderTerms {
  /** The credential's name, e.g. "personal access token". */
  credential: string;
  wrongCredentials: { summary: string; fix: string };
  noPullPermission: (repository: string) => { summary: string; fix: string };
  unknownRepository: (repository: string) => { summary: string; fix: string };
}

/** How the portal obtains a registry login for the provider. */
export type ProviderLogin =
  /** Amazon ECR: STS and GetAuthorizationToken (lib/aws). */
  | { kind: "ecr" }
  /** The OCI token flow (lib/registry-auth), optionally after an exchange of the stored secret. */
  | { kind: "oci"; exchange?: "entra-acr" };

export interface RegistryProviderModule {
  id: RegistryProvider;
  label: string;
  /** One line for the provider picker. */
  description: string;
  hostnamePlaceholder: string;
  hostnameHelp: string;
  /** The hostname when the provider has only one (Docker Hub, GHCR), prefilled by the form. */
  fixedHostname?: string;
  authTypes: AuthTypeSpec[];
  /** Whether the hostname unmistakably belongs to this provider (used to point a vendor to the right one). */
  ownsHostname(hostname: string): boolean;
  /** The normalised hostname, or what is wrong with it. Another provider's hostname is refused by the caller. */
  parseHostname(input: string): ParseResult<string>;
  /** Where the registry's API answers when it is not the hostname itself (registry-1.docker.io for docker.io). */
  apiHostname(hostname: string): string;
  /** Checks of the credential fields beyond their shape (the secret ones only when `needsSecret`). */
  checkCredentials(values: ProviderFieldValues, needsSecret: boolean): FieldIssue[];
  setupGuide(input: { hostname: string; repository?: string; flavor?: GenericFlavor }): ProviderSetupGuide;
  login: ProviderLogin;
  terms: ProviderTerms;
}
