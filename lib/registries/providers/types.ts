// The shape every registry provider module has (lib/registries/providers/<id>.ts).
// Pure: the form renders its fields and guide in the browser from the same
// object the server validates with, and the Test and the proxy ask it how to
// log in. Code elsewhere switches on nothing: it asks the provider.
import type { ParseResult } from "@/lib/parse-result";

export const REGISTRY_PROVIDERS = ["ecr", "docker-hub", "ghcr", "quay", "gitlab", "google", "azure", "generic"] as const;
export type RegistryProvider = (typeof REGISTRY_PROVIDERS)[number];

export const REGISTRY_AUTH_TYPES = ["access_key", "iam_role", "ambient", "basic", "anonymous", "json_key", "service_principal", "federated"] as const;
export type RegistryAuthType = (typeof REGISTRY_AUTH_TYPES)[number];

/** Harbor, Nexus, JFrog and any other OCI registry are one provider ("generic"); the flavor only shapes the guide. */
export const GENERIC_FLAVORS = ["harbor", "nexus", "jfrog", "other"] as const;
export type GenericFlavor = (typeof GENERIC_FLAVORS)[number];

/** The form's credential fields (names of the registry input; see lib/registries/schema.ts). */
export type CredentialField =
  | "accessKeyId"
  | "secretAccessKey"
  | "roleArn"
  | "roleAccountId"
  | "username"
  | "password"
  | "jsonKey"
  | "tenantId"
  | "clientId"
  | "clientSecret"
  | "projectNumber"
  | "poolId"
  | "providerId"
  | "serviceAccount"
  | "acrPermissionsMode"
  | "abacRepositories";

/** Azure: the registry's role assignment permissions mode; "abac" is "RBAC Registry + ABAC Repository Permissions" (AcrPull not honoured). */
export const ACR_PERMISSIONS_MODES = ["", "abac"] as const;
export type AcrPermissionsMode = (typeof ACR_PERMISSIONS_MODES)[number];

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
  /** A choice among these values instead of free text. */
  options?: readonly { value: string; label: string }[];
}

export interface AuthTypeSpec {
  id: RegistryAuthType;
  label: string;
  hint: string;
  fields: FieldSpec[];
  /** Shown first and marked recommended (keyless: nothing secret is stored). */
  recommended?: boolean;
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
  projectNumber: string;
  poolId: string;
  providerId: string;
  serviceAccount: string;
  /** Azure only (absent elsewhere). */
  acrPermissionsMode?: AcrPermissionsMode | undefined;
  abacRepositories?: string | undefined;
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

/**
 * The non-secret values a keyless federation is configured with, as stored in
 * the registry's settings: Azure tenantId + clientId, Quay username (the
 * robot org+name), Google projectNumber + poolId + providerId (+ serviceAccount).
 */
export interface FederationSettings {
  tenantId?: string | undefined;
  clientId?: string | undefined;
  username?: string | undefined;
  projectNumber?: string | undefined;
  poolId?: string | undefined;
  providerId?: string | undefined;
  serviceAccount?: string | undefined;
  /** Azure: "abac" when the registry uses ABAC repository permissions (Container Registry Repository Reader instead of AcrPull). */
  acrPermissionsMode?: string | undefined;
  /** Azure ABAC: the repositories the role assignment's condition names (space-separated), or none for every repository. */
  abacRepositories?: string | undefined;
}

/** What a keyless setup guide fills in: the portal's issuer, the team's subject, and local stand-in endpoints. */
export interface FederationSetupValues {
  issuerUrl: string;
  /** The team's public ID: the `sub` of every token the portal signs for it. */
  subject: string;
  hostname: string;
  settings: FederationSettings;
  repository?: string | undefined;
  /**
   * Local mode: the real hosts the portal is pointed elsewhere on this machine
   * (REGISTRY_ENDPOINT_OVERRIDES and AUTH_ENDPOINT_OVERRIDES on loopback), by
   * host, e.g. { "login.microsoftonline.com": "http://127.0.0.1:4010" }. The
   * commands then carry those endpoints. Empty against the real clouds.
   */
  localEndpoints: Record<string, string>;
}

/** One-click artefact of a keyless setup (Terraform JSON). */
export interface FederationArtefact {
  title: string;
  fileName: string;
  text: string;
  description: string;
}

export interface FederationSetupGuide extends ProviderSetupGuide {
  artefacts: FederationArtefact[];
}

/** A refusal by the cloud during the exchange, as the Test and the diagnosis see it. */
export interface FederationRefusal {
  /** Who answered: "entra" (Entra ID), "exchange" (ACR's /oauth2/exchange), "federation" (Quay's, Google STS), "token"/"ping" (the registry). */
  stage?: string | undefined;
  httpStatus: number;
  /** The cloud's code (e.g. invalid_client, UNAUTHORIZED). */
  code?: string | undefined;
  /** The cloud's message, unchanged (e.g. "AADSTS70021: No matching federated identity record found …"). */
  message?: string | undefined;
}

/** What to say and fix; `snippet` is a command or JSON that applies the fix, shown copyable. */
export interface FederationAdvice {
  summary: string;
  fix: string;
  snippet?: string;
}

/**
 * Keyless federation: the registry trusts the portal's own issuer, so no
 * secret is stored. The pure half lives on the provider module (shared with
 * the browser); the exchange itself is the provider's server module in
 * lib/registry-auth/federation/<provider>.ts (see docs/providers.md).
 */
export interface ProviderFederation {
  /** The `aud` of the portal's token for this cloud (never sts.amazonaws.com outside AWS). */
  audience(input: { hostname: string; settings: FederationSettings }): string;
  /**
   * What a passed negative check is recorded for: any change of it (another
   * app, robot or pool) means the check must pass again before the proxy uses
   * the registry. Null when the settings are incomplete.
   */
  checkTarget(input: { hostname: string; settings: FederationSettings }): string | null;
  /** The Test's exchange step, e.g. "Exchange the portal's token at Entra ID, then at the registry". */
  exchangeTitle: string;
  /** The cloud's refusal in its own terms, its code shown unchanged by the caller; null: the generic wording. */
  diagnoseExchange(refusal: FederationRefusal, context: { hostname: string; subject: string; settings: FederationSettings }): FederationAdvice | null;
  /**
   * The registry's refusal of the exchanged credential (no pull permission),
   * in the cloud's terms (e.g. the IAM member to grant); null or absent: the
   * provider's `terms`.
   */
  diagnoseRegistry?(refusal: FederationRefusal & { repository?: string | undefined }, context: { hostname: string; subject: string; settings: FederationSettings }): FederationAdvice | null;
  /** Said when the cloud accepted a token for a stranger subject (the federation does not pin the team's subject). */
  unsafe(context: { stranger: string; subject: string; settings: FederationSettings }): FederationAdvice;
  setupGuide(values: FederationSetupValues): FederationSetupGuide;
}

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
  /** Present when the provider offers the keyless auth type ("federated"). */
  federation?: ProviderFederation;
}
