import "server-only";
// Registries of a team: every query is scoped by teamId, the encrypted
// credentials column is never selected here (the Prisma client omits it by
// default; see lib/registries/credentials.ts for the one reader).
import { parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { auditChanges, type AuditedField } from "@/lib/audit/changes";
import { resolveRoleReference } from "@/lib/aws/role-reference";
import { recordAuditEvent, type AuditActor } from "@/lib/audit/service";
import { prisma } from "@/lib/db";
import { nextVersion, unchangedSince, writeIfUnchanged, type ConditionalWrite } from "@/lib/db/conditional-write";
import { getEnv } from "@/lib/env";
import { keysetQuery, toPage, type Page, type PageRequest } from "@/lib/db/pagination";
import { Prisma } from "@/lib/generated/prisma/client";
import { NOT_FOUND, UserFacingError } from "@/lib/http/result";
import { AMBIENT_DISABLED_MESSAGE, encryptRegistrySecret, type RegistrySecret } from "@/lib/registries/credentials";
import { parseProviderHostname, PROVIDERS, type GenericFlavor } from "@/lib/registries/providers";
import { parseServiceAccountKey } from "@/lib/registries/providers/google";
import { parseAbacRepositories } from "@/lib/registries/providers/azure-federation";
import { AUTH_TYPE_LABEL, PROVIDER_LABEL, type RegistryAuthType, type RegistryProvider, type RegistryTestStatus, type TCreateRegistryInput, type TUpdateRegistryInput } from "@/lib/registries/schema";
import { maskAccessKeyId, maskSecret, parseRegistrySettings, type RegistrySettings } from "@/lib/registries/settings";
import { registryStatusView, type RegistryStatusKind, type RegistryStatusView } from "@/lib/registries/status";
import type { TRegistryListQuery } from "@/lib/registries/list-query";
import { pageWindow } from "@/lib/lists/search-params";
import { refusedHostReason } from "@/lib/registry-auth/http";

const REGISTRY_FIELDS = {
  id: true,
  provider: true,
  name: true,
  hostname: true,
  authType: true,
  settings: true,
  allApplications: true,
  createdAt: true,
  updatedAt: true,
  testStatus: true,
  lastTestedAt: true,
  verifiedAt: true,
  failingSince: true,
  lastTestError: true,
  connectionChangedAt: true,
  applications: { select: { application: { select: { id: true, name: true, slug: true } } } },
} as const satisfies Prisma.RegistrySelect;

type RegistryRow = Prisma.RegistryGetPayload<{ select: typeof REGISTRY_FIELDS }>;

/**
 * A registry as pages see it: no secret, only the masked access key ID.
 *
 * Test status (written by the Test, lib/registry-test):
 * - "never": not tested since it was created or its connection last changed;
 * - "verified": the last test passed (verifiedAt = when);
 * - "failing": the last test failed (failingSince = first failure of this
 *   streak, lastTestError = what the test said);
 * - "unsafe": the registry works, but the role's trust policy would also
 *   accept other teams' tokens (no `sub` condition); lastTestError says why.
 * Changing the hostname, auth type, role or secret resets it to "never".
 */
export interface RegistryView {
  id: string;
  provider: RegistryProvider;
  name: string | null;
  hostname: string;
  authType: RegistryAuthType;
  /** IAM Authentication: the role ARN. */
  roleArn: string | null;
  /** Access key: the masked key ID (AKIA…WXYZ); the secret is set whenever this is. */
  accessKeyIdMasked: string | null;
  /** Username + token: the username; the token is set whenever this is. Quay keyless: the robot (org+name). */
  username: string | null;
  /** Username + token, service principal: the stored secret, masked (ghp_…WXYZ). */
  secretMasked: string | null;
  /** Azure service principal or keyless federated credential: tenant and application (client) ID. */
  tenantId: string | null;
  clientId: string | null;
  /** Google keyless (Workload Identity Federation): where the portal's token is exchanged, and the account impersonated if any. */
  projectNumber: string | null;
  poolId: string | null;
  providerId: string | null;
  serviceAccount: string | null;
  /** Azure keyless: "abac" for a registry with ABAC repository permissions, and the repositories its role is limited to (space-separated). */
  acrPermissionsMode: string | null;
  abacRepositories: string | null;
  /** Google: the service account and key the stored JSON key belongs to. */
  serviceAccountEmail: string | null;
  projectId: string | null;
  privateKeyId: string | null;
  /** Harbor, Nexus, JFrog or other (generic registries). */
  flavor: GenericFlavor | null;
  allApplications: boolean;
  applications: { id: string; name: string; slug: string }[];
  testStatus: RegistryTestStatus;
  lastTestedAt: Date | null;
  verifiedAt: Date | null;
  failingSince: Date | null;
  lastTestError: string | null;
  /** When an edit last changed how the portal authenticates. */
  connectionChangedAt: Date | null;
  /** What the status means now (stale, not tested since change, …): lib/registries/status.ts. */
  status: RegistryStatusView;
  createdAt: Date;
  updatedAt: Date;
}

/** How long a passed test counts as current, and the scheduled re-test's interval: REGISTRY_RETEST_INTERVAL_HOURS. */
export function registryStaleAfterMs(): number {
  return getEnv().REGISTRY_RETEST_INTERVAL_HOURS * 3_600_000;
}

function toView(row: RegistryRow): RegistryView {
  const settings = parseRegistrySettings(row.settings);
  return {
    id: row.id,
    provider: row.provider as RegistryProvider,
    name: row.name,
    hostname: row.hostname,
    authType: row.authType as RegistryAuthType,
    roleArn: row.authType === "iam_role" ? (settings.roleArn ?? null) : null,
    accessKeyIdMasked: row.authType === "access_key" ? (settings.accessKeyIdMasked ?? null) : null,
    username: row.authType === "basic" || row.authType === "federated" ? (settings.username ?? null) : null,
    secretMasked: row.authType === "basic" || row.authType === "service_principal" ? (settings.secretMasked ?? null) : null,
    tenantId: row.authType === "service_principal" || row.authType === "federated" ? (settings.tenantId ?? null) : null,
    clientId: row.authType === "service_principal" || row.authType === "federated" ? (settings.clientId ?? null) : null,
    projectNumber: row.authType === "federated" ? (settings.projectNumber ?? null) : null,
    poolId: row.authType === "federated" ? (settings.poolId ?? null) : null,
    providerId: row.authType === "federated" ? (settings.providerId ?? null) : null,
    serviceAccount: row.authType === "federated" ? (settings.serviceAccount ?? null) : null,
    acrPermissionsMode: row.authType === "federated" ? (settings.acrPermissionsMode ?? null) : null,
    abacRepositories: row.authType === "federated" ? (settings.abacRepositories ?? null) : null,
    serviceAccountEmail: row.authType === "json_key" ? (settings.serviceAccountEmail ?? null) : null,
    projectId: row.authType === "json_key" ? (settings.projectId ?? null) : null,
    privateKeyId: row.authType === "json_key" ? (settings.privateKeyId ?? null) : null,
    flavor: row.provider === "generic" ? (settings.flavor ?? "other") : null,
    allApplications: row.allApplications,
    applications: row.applications.map((access) => access.application).sort((a, b) => a.name.localeCompare(b.name)),
    testStatus: row.testStatus as RegistryTestStatus,
    lastTestedAt: row.lastTestedAt,
    verifiedAt: row.verifiedAt,
    failingSince: row.failingSince,
    lastTestError: row.lastTestError,
    connectionChangedAt: row.connectionChangedAt,
    status: registryStatusView(row, { now: new Date(), staleAfterMs: registryStaleAfterMs() }),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A short name for messages and the audit log. */
export function registryLabel(registry: { name: string | null; hostname: string }): string {
  return registry.name ?? registry.hostname;
}

/** Whether an application may use the registry (its "App access" setting). */
export function registryServesApplication(registry: Pick<RegistryView, "allApplications" | "applications">, applicationId: string): boolean {
  return registry.allApplications || registry.applications.some((application) => application.id === applicationId);
}

/** "All applications", or the chosen applications' names. */
export function describeAppAccess(registry: Pick<RegistryView, "allApplications" | "applications">): string {
  if (registry.allApplications) return "All applications";
  return registry.applications.map((application) => application.name).join(", ") || "No applications";
}

export async function listRegistries(teamId: string): Promise<RegistryView[]> {
  const rows = await prisma.registry.findMany({ where: { teamId }, orderBy: [{ createdAt: "asc" }], select: REGISTRY_FIELDS });
  return rows.map(toView);
}

/** Every registry the application may use (its own and the team's shared ones), for its overview. */
export async function registryViewsUsableBy(teamId: string, applicationId: string, now = new Date()): Promise<RegistryView[]> {
  const rows = await prisma.registry.findMany({
    where: { teamId, OR: [{ allApplications: true }, { applications: { some: { applicationId } } }] },
    orderBy: [{ createdAt: "asc" }],
    select: REGISTRY_FIELDS,
  });
  return rows.map((row) => ({ ...toView(row), status: registryStatusView(row, { now, staleAfterMs: registryStaleAfterMs() }) }));
}

/** One page of the team's registries, oldest first (the API's list). */
export async function listRegistriesPage(teamId: string, page: PageRequest): Promise<Page<RegistryView>> {
  const query = keysetQuery(page, "asc");
  const rows = await prisma.registry.findMany({ where: { teamId, ...query.where }, orderBy: query.orderBy, take: query.take, select: REGISTRY_FIELDS });
  const { items, nextCursor } = toPage(rows, page);
  return { items: items.map(toView), nextCursor };
}

/**
 * One page of the registries list (lib/registries/list-query.ts). Status
 * filters are the derived statuses (stale, not tested since change), turned
 * into conditions on the stored fields as of `now`.
 */
export async function searchRegistries(teamId: string, query: TRegistryListQuery, options: { applicationId: string; now?: Date }) {
  const now = options.now ?? new Date();
  const where: Prisma.RegistryWhereInput = { teamId };
  const and: Prisma.RegistryWhereInput[] = [];
  if (query.q) and.push({ OR: [{ name: { contains: query.q, mode: "insensitive" } }, { hostname: { contains: query.q, mode: "insensitive" } }] });
  if (query.status) and.push(statusWhere(query.status, new Date(now.getTime() - registryStaleAfterMs())));
  if (query.auth) and.push({ authType: query.auth });
  if (query.provider) and.push({ provider: query.provider });
  if (query.scope === "app") and.push({ OR: [{ allApplications: true }, { applications: { some: { applicationId: options.applicationId } } }] });
  if (and.length > 0) where.AND = and;

  const dir = query.dir;
  const orderBy: Prisma.RegistryOrderByWithRelationInput[] =
    query.sort === "hostname"
      ? [{ hostname: dir }, { id: dir }]
      : query.sort === "lastTested"
        ? [{ lastTestedAt: { sort: dir, nulls: "last" } }, { id: dir }]
        : query.sort === "created"
          ? [{ createdAt: dir }, { id: dir }]
          : [{ name: { sort: dir, nulls: "last" } }, { hostname: dir }, { id: dir }];

  const total = await prisma.registry.count({ where });
  const window = pageWindow(query.page, total);
  const rows = await prisma.registry.findMany({ where, orderBy, skip: window.skip, take: window.take, select: REGISTRY_FIELDS });
  return { items: rows.map(toView), page: window };
}

function statusWhere(kind: RegistryStatusKind, staleBefore: Date): Prisma.RegistryWhereInput {
  switch (kind) {
    case "never":
      return { testStatus: "never", connectionChangedAt: null };
    case "changed":
      return { testStatus: "never", connectionChangedAt: { not: null } };
    case "verified":
      return { testStatus: "verified", lastTestedAt: { gte: staleBefore } };
    case "stale":
      return { testStatus: "verified", OR: [{ lastTestedAt: { lt: staleBefore } }, { lastTestedAt: null }] };
    case "incomplete":
      return { testStatus: "failing", verifiedAt: null };
    case "failing":
      return { testStatus: "failing", verifiedAt: { not: null } };
    default:
      return { testStatus: kind };
  }
}

/** How many registries of the team the application may not use (the list says so when showing only its own). */
export async function countRegistriesNotShared(teamId: string, applicationId: string): Promise<number> {
  return prisma.registry.count({ where: { teamId, allApplications: false, applications: { none: { applicationId } } } });
}

export async function getRegistry(teamId: string, registryId: string): Promise<RegistryView | null> {
  const row = await prisma.registry.findFirst({ where: { id: registryId, teamId }, select: REGISTRY_FIELDS });
  return row ? toView(row) : null;
}

function fieldError(field: string, message: string): UserFacingError {
  return new UserFacingError("invalid_input", "Some fields need attention.", { [field]: message });
}

/** Re-derives what the schema checked, and what only the server can check. */
async function normalize(teamId: string, input: TCreateRegistryInput) {
  const hostname = parseProviderHostname(input.provider, input.hostname);
  if (!hostname.ok) throw fieldError("hostname", hostname.message);
  // Refused now rather than only when the Test or a pull would connect.
  const refusedHost = getEnv().REGISTRY_ENDPOINT_OVERRIDES.some((override) => override.hostname === hostname.value) ? null : refusedHostReason(hostname.value);
  if (refusedHost) {
    throw fieldError(
      "hostname",
      `${hostname.value} is ${refusedHost}: the portal never connects there. Enter the registry's public hostname; for a registry on a private network, the portal's operator must name it in REGISTRY_ENDPOINT_OVERRIDES.`,
    );
  }
  if (input.authType === "ambient" && !getEnv().ALLOW_AMBIENT_AWS_CREDENTIALS) throw fieldError("authType", AMBIENT_DISABLED_MESSAGE);
  // A role name resolves to an ARN in the registry's (or the given) account; the ARN is what is stored.
  const ecrHostname = input.authType === "iam_role" ? parseEcrHostname(hostname.value) : null;
  if (ecrHostname && !ecrHostname.ok) throw fieldError("hostname", ecrHostname.message);
  const role = ecrHostname?.ok ? resolveRoleReference({ role: input.roleArn, accountId: input.roleAccountId ?? "", registry: ecrHostname.value }) : null;
  if (role && !role.ok) throw fieldError(role.field ?? "roleArn", role.message);
  // App IDs come from the browser: each must be an application of this team.
  const applicationIds = input.allApplications ? [] : [...new Set(input.applicationIds)];
  if (applicationIds.length > 0) {
    const found = await prisma.application.count({ where: { teamId, id: { in: applicationIds } } });
    if (found !== applicationIds.length) throw fieldError("applicationIds", "One of the chosen applications is not in this team (it may have been deleted). Reload the page and choose again.");
  }
  return {
    provider: input.provider,
    name: input.name === "" ? null : input.name,
    hostname: hostname.value,
    authType: input.authType,
    roleArn: role?.ok ? role.value.arn : null,
    allApplications: input.allApplications,
    applicationIds,
  };
}

function isUniqueNameViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

const nameTaken = (name: string | null) =>
  new UserFacingError("name_taken", "Some fields need attention.", { name: `Another registry of this team is already called ${name}. Choose another name, or leave it empty.` });

const NO_TEST_YET = { testStatus: "never", lastTestedAt: null, verifiedAt: null, failingSince: null, lastTestError: null, lastTestResult: Prisma.DbNull } as const;

export async function createRegistry(teamId: string, actor: AuditActor, input: TCreateRegistryInput): Promise<RegistryView> {
  const value = await normalize(teamId, input);
  const secret = secretOf(input);
  const settings = settingsOf(input, value.roleArn, secret);
  try {
    const id = await prisma.$transaction(async (tx) => {
      const { id } = await tx.registry.create({
        data: {
          teamId,
          provider: value.provider,
          name: value.name,
          hostname: value.hostname,
          authType: value.authType,
          settings,
          allApplications: value.allApplications,
          applications: { create: value.applicationIds.map((applicationId) => ({ applicationId })) },
        },
        select: { id: true },
      });
      // The row's ID is part of the associated data, so encrypt once it exists.
      if (secret) {
        const encryptedCredentials = encryptRegistrySecret(teamId, id, secret);
        await tx.registry.update({ where: { id, teamId }, data: { encryptedCredentials }, select: { id: true } });
      }
      await recordAuditEvent(
        teamId,
        actor,
        "registry.created",
        { type: "registry", id },
        { name: value.name, provider: value.provider, hostname: value.hostname, authType: AUTH_TYPE_LABEL[value.authType], ...credentialMetadata(settings), ...(await appAccessMetadata(tx, teamId, value)) },
        tx,
      );
      return id;
    });
    return (await getRegistry(teamId, id))!;
  } catch (error) {
    if (isUniqueNameViolation(error)) throw nameTaken(value.name);
    throw error;
  }
}

export async function updateRegistry(teamId: string, actor: AuditActor, input: TUpdateRegistryInput, options: ConditionalWrite = {}): Promise<RegistryView> {
  const existing = await getRegistry(teamId, input.registryId);
  if (!existing) throw NOT_FOUND();
  const value = await normalize(teamId, input);

  // A stored secret follows the registry only while it talks to the same place with the same kind of secret:
  // a changed provider, auth type or (beyond ECR, whose key goes to AWS) hostname needs the secret again,
  // or a member could send the stored token to a host of their choosing with Test.
  const needsSecret = SECRET_AUTH_TYPES.has(value.authType);
  const secretMustBeReentered =
    needsSecret && (existing.authType !== value.authType || existing.provider !== value.provider || (value.provider !== "ecr" && existing.hostname !== value.hostname));
  const replacingKey = needsSecret && (input.replaceAccessKey || secretMustBeReentered);
  if (replacingKey && !input.replaceAccessKey) {
    // The schema only asks for the secret when replacing.
    const field = value.authType === "access_key" ? "accessKeyId" : value.authType === "json_key" ? "jsonKey" : value.authType === "service_principal" ? "clientSecret" : "password";
    throw fieldError(field, existing.authType === value.authType && existing.provider === value.provider ? "The hostname changed: enter the secret again so that the stored one is never sent to the new host." : `Enter the ${field === "accessKeyId" ? "access key ID and secret access key" : field === "jsonKey" ? "service account's JSON key" : field === "clientSecret" ? "client secret" : "password or token"} the portal should use.`);
  }
  const secret = replacingKey ? secretOf(input) : null;
  const settings: RegistrySettings = replacingKey ? settingsOf(input, value.roleArn, secret) : { ...keptSecretSettings(existing), ...settingsOf(input, value.roleArn, null) };

  const changed: string[] = [];
  if (value.name !== existing.name) changed.push("name");
  if (value.hostname !== existing.hostname) changed.push("hostname");
  if (value.authType !== existing.authType) changed.push("auth type");
  if (value.provider !== existing.provider) changed.push("provider");
  if (value.authType === "iam_role" && value.roleArn !== existing.roleArn) changed.push("role ARN");
  if (value.authType === "basic" && input.username.trim() !== existing.username) changed.push("username");
  if (value.authType === "service_principal" && (input.tenantId.trim() !== existing.tenantId || input.clientId.trim() !== existing.clientId)) changed.push("service principal");
  if (value.authType === "federated" && FEDERATION_KEYS.some((key) => (settings[key] ?? null) !== (existing[key] ?? null))) changed.push("federation");
  if (value.provider === "generic" && input.flavor !== existing.flavor) changed.push("flavor");
  const existingAppIds = existing.allApplications ? [] : existing.applications.map((application) => application.id).sort();
  const appAccessChanged = value.allApplications !== existing.allApplications || value.applicationIds.slice().sort().join() !== existingAppIds.join();
  if (appAccessChanged) changed.push("app access");
  const connectionChanged = replacingKey || changed.some((field) => field !== "name" && field !== "app access" && field !== "flavor");
  const before: AuditedRegistry = {
    name: existing.name,
    provider: existing.provider,
    hostname: existing.hostname,
    authType: existing.authType,
    roleArn: existing.roleArn,
    ...Object.fromEntries(FEDERATION_KEYS.map((key) => [key, existing[key]])),
    flavor: existing.flavor,
  } as AuditedRegistry;
  const after: AuditedRegistry = {
    name: value.name,
    provider: value.provider,
    hostname: value.hostname,
    authType: value.authType,
    roleArn: value.roleArn,
    ...Object.fromEntries(FEDERATION_KEYS.map((key) => [key, settings[key] ?? null])),
    flavor: value.provider === "generic" ? input.flavor : null,
  } as AuditedRegistry;
  const changes = auditChanges(before, after, AUDITED_REGISTRY_FIELDS);

  try {
    await writeIfUnchanged(options, () => prisma.$transaction(async (tx) => {
      // First in the transaction: a stale version writes nothing at all.
      await tx.registry.update({
        where: { id: existing.id, teamId, ...unchangedSince(options) },
        data: {
          ...nextVersion(options),
          provider: value.provider,
          name: value.name,
          hostname: value.hostname,
          authType: value.authType,
          settings,
          allApplications: value.allApplications,
          // A secret is kept only while the registry uses an auth type with one.
          ...(secret ? { encryptedCredentials: encryptRegistrySecret(teamId, existing.id, secret) } : {}),
          ...(!needsSecret ? { encryptedCredentials: null } : {}),
          // A past result says nothing about a changed connection.
          ...(connectionChanged ? { ...NO_TEST_YET, connectionChangedAt: new Date() } : {}),
        },
        select: { id: true },
      });
      if (appAccessChanged) {
        await tx.registryApplicationAccess.deleteMany({ where: { registryId: existing.id, registry: { teamId } } });
        if (value.applicationIds.length > 0) {
          await tx.registryApplicationAccess.createMany({ data: value.applicationIds.map((applicationId) => ({ registryId: existing.id, applicationId })) });
        }
      }
      const target = { type: "registry", id: existing.id };
      if (changed.length > 0) {
        await recordAuditEvent(
          teamId,
          actor,
          "registry.updated",
          target,
          { registry: registryLabel(value), changed, changes, ...(appAccessChanged ? await appAccessMetadata(tx, teamId, value) : {}) },
          tx,
        );
      }
      if (replacingKey) {
        await recordAuditEvent(teamId, actor, "registry.secret_replaced", target, { registry: registryLabel(value), ...(value.authType === "access_key" ? { accessKeyId: settings.accessKeyIdMasked ?? null } : credentialMetadata(settings)) }, tx);
      }
    }));
  } catch (error) {
    if (isUniqueNameViolation(error)) throw nameTaken(value.name);
    throw error;
  }
  return (await getRegistry(teamId, existing.id))!;
}

export async function deleteRegistry(teamId: string, actor: AuditActor, registryId: string, options: ConditionalWrite = {}): Promise<void> {
  const existing = await prisma.registry.findFirst({ where: { id: registryId, teamId }, select: { id: true, name: true, hostname: true } });
  if (!existing) throw NOT_FOUND();
  await writeIfUnchanged(options, () => prisma.$transaction(async (tx) => {
    await tx.registry.delete({ where: { id: existing.id, teamId, ...unchangedSince(options) } });
    await recordAuditEvent(teamId, actor, "registry.deleted", { type: "registry", id: existing.id }, { name: existing.name, hostname: existing.hostname }, tx);
  }));
}

interface AuditedRegistry {
  name: string | null;
  provider: RegistryProvider;
  hostname: string;
  authType: RegistryAuthType;
  roleArn: string | null;
  username: string | null;
  tenantId: string | null;
  clientId: string | null;
  projectNumber: string | null;
  poolId: string | null;
  providerId: string | null;
  serviceAccount: string | null;
  acrPermissionsMode: string | null;
  abacRepositories: string | null;
  flavor: GenericFlavor | null;
}

/** The non-secret settings that say who the portal is at the registry (username, app, pool…), audited and compared on edit. */
const FEDERATION_KEYS = ["username", "tenantId", "clientId", "projectNumber", "poolId", "providerId", "serviceAccount", "acrPermissionsMode", "abacRepositories"] as const;

// App access is recorded by appAccessMetadata (names, not IDs); the access key
// by its own "registry.secret_replaced" event with the masked key ID.
const AUDITED_REGISTRY_FIELDS: AuditedField<AuditedRegistry>[] = [
  { label: "Name", value: (registry) => registry.name },
  { label: "Provider", value: (registry) => PROVIDER_LABEL[registry.provider] },
  { label: "Hostname", value: (registry) => registry.hostname },
  { label: "Auth type", value: (registry) => AUTH_TYPE_LABEL[registry.authType] },
  { label: "Role ARN", value: (registry) => registry.roleArn },
  { label: "Username", value: (registry) => registry.username },
  { label: "Tenant ID", value: (registry) => registry.tenantId },
  { label: "Client ID", value: (registry) => registry.clientId },
  { label: "Project number", value: (registry) => registry.projectNumber },
  { label: "Workload identity pool", value: (registry) => registry.poolId },
  { label: "Workload identity provider", value: (registry) => registry.providerId },
  { label: "Service account", value: (registry) => registry.serviceAccount },
  { label: "Permissions mode", value: (registry) => (registry.acrPermissionsMode === "abac" ? "RBAC Registry + ABAC Repository Permissions" : null) },
  { label: "ABAC repositories", value: (registry) => registry.abacRepositories },
  { label: "Registry product", value: (registry) => registry.flavor },
];

async function appAccessMetadata(client: Pick<typeof prisma, "application">, teamId: string, value: { allApplications: boolean; applicationIds: string[] }) {
  if (value.allApplications) return { appAccess: "all applications" };
  const applications = await client.application.findMany({ where: { teamId, id: { in: value.applicationIds } }, select: { name: true }, orderBy: { name: "asc" } });
  return { appAccess: applications.map((application) => application.name) };
}

/** The auth types that store a secret (lib/registries/credentials.ts). */
const SECRET_AUTH_TYPES: ReadonlySet<RegistryAuthType> = new Set(["access_key", "basic", "json_key", "service_principal"]);

/** The secret to encrypt for the input's auth type, or null when it has none. */
function secretOf(input: TCreateRegistryInput): RegistrySecret | null {
  switch (input.authType) {
    case "access_key":
      return { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey };
    case "basic":
      return { password: input.password };
    case "json_key":
      return { jsonKey: input.jsonKey };
    case "service_principal":
      return { clientSecret: input.clientSecret };
    default:
      return null;
  }
}

/** The non-secret settings of the input; the masked secret only when a new one is stored. */
function settingsOf(input: TCreateRegistryInput, roleArn: string | null, secret: RegistrySecret | null): RegistrySettings {
  const flavor = input.provider === "generic" ? { flavor: input.flavor } : {};
  switch (input.authType) {
    case "iam_role":
      return roleArn ? { roleArn } : {};
    case "access_key":
      return secret ? { accessKeyIdMasked: maskAccessKeyId(input.accessKeyId) } : {};
    case "basic":
      return { username: input.username.trim(), ...flavor, ...(secret && "password" in secret ? { secretMasked: maskSecret(secret.password) } : {}) };
    case "service_principal":
      return { tenantId: input.tenantId.trim(), clientId: input.clientId.trim().toLowerCase(), ...(secret && "clientSecret" in secret ? { secretMasked: maskSecret(secret.clientSecret) } : {}) };
    case "federated": {
      // Only the fields the provider's keyless type has; IDs as the clouds print them (GUIDs in lower case).
      const spec = PROVIDERS[input.provider].authTypes.find((candidate) => candidate.id === "federated");
      const values: RegistrySettings = {};
      for (const field of spec?.fields ?? []) {
        if (!(FEDERATION_KEYS as readonly string[]).includes(field.name)) continue;
        const raw = input[field.name as (typeof FEDERATION_KEYS)[number]].trim();
        const value = field.name === "tenantId" || field.name === "clientId" ? raw.toLowerCase() : field.name === "abacRepositories" ? parseAbacRepositories(raw).join(" ") : raw;
        if (value !== "") values[field.name as (typeof FEDERATION_KEYS)[number]] = value;
      }
      return values;
    }
    case "json_key": {
      const key = secret && "jsonKey" in secret ? parseServiceAccountKey(secret.jsonKey) : null;
      return key?.ok ? { serviceAccountEmail: key.value.clientEmail, projectId: key.value.projectId, privateKeyId: key.value.privateKeyId } : {};
    }
    default:
      return flavor;
  }
}

/** What an edit that keeps the stored secret keeps of its description. */
function keptSecretSettings(existing: RegistryView): RegistrySettings {
  const kept: RegistrySettings = {};
  if (existing.accessKeyIdMasked) kept.accessKeyIdMasked = existing.accessKeyIdMasked;
  if (existing.secretMasked) kept.secretMasked = existing.secretMasked;
  if (existing.serviceAccountEmail) kept.serviceAccountEmail = existing.serviceAccountEmail;
  if (existing.projectId) kept.projectId = existing.projectId;
  if (existing.privateKeyId) kept.privateKeyId = existing.privateKeyId;
  return kept;
}

/** The credential's public description for the audit log (never the secret). */
function credentialMetadata(settings: RegistrySettings): Record<string, string> {
  const fields: Record<string, string> = {};
  if (settings.accessKeyIdMasked) fields.accessKeyId = settings.accessKeyIdMasked;
  if (settings.username) fields.username = settings.username;
  if (settings.clientId) fields.clientId = settings.clientId;
  if (settings.serviceAccountEmail) fields.serviceAccount = settings.serviceAccountEmail;
  if (settings.privateKeyId) fields.keyId = settings.privateKeyId;
  return fields;
}
