// The shapes the REST API answers with, as zod schemas: the OpenAPI document
// is generated from them, and every response is parsed through its schema
// before it leaves (unknown keys are dropped, so nothing undeclared, such as
// a secret, can slip out). Inputs are the portal's own form schemas.
import { z } from "zod";
import { ERROR_CODES } from "@/lib/http/error-codes";
import { REGISTRY_AUTH_TYPES, REGISTRY_PROVIDERS, REGISTRY_TEST_STATUSES } from "@/lib/registries/schema";
import { GENERIC_FLAVORS } from "@/lib/registries/providers";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@/lib/db/pagination";
import { REGISTRY_STATUS_KINDS } from "@/lib/registries/status";
import { ZTeamRole } from "@/lib/teams/schema";

const timestamp = (description: string) => z.iso.datetime().meta({ description });

export const ZId = z.string().min(1).max(64);

export const ZApiError = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).meta({ description: "Stable, machine-readable; see the table in the API reference." }),
      message: z.string().meta({ description: "What went wrong and what to do, written for a person." }),
      fields: z.record(z.string(), z.string()).optional().meta({ description: "For invalid_input: each field (dot path) with what to fix." }),
    }),
  })
  .meta({ id: "Error" });

export const ZPageQuery = z.object({
  limit: z.coerce
    .number({ error: `limit must be a number from 1 to ${MAX_PAGE_SIZE}.` })
    .int({ error: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.` })
    .min(1, { error: `limit must be from 1 to ${MAX_PAGE_SIZE}.` })
    .max(MAX_PAGE_SIZE, { error: `limit must be from 1 to ${MAX_PAGE_SIZE}.` })
    .default(DEFAULT_PAGE_SIZE)
    .meta({ description: `Items per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).` }),
  cursor: z.string().max(300).optional().meta({ description: "nextCursor of the previous page; leave out for the first page." }),
});

export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      data: z.array(item),
      nextCursor: z.string().nullable().meta({ description: "Pass as cursor for the next page; null on the last page." }),
    })
    .meta({ id });
}

export function dataOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({ data: item }).meta({ id });
}

export const ZApiApplication = z
  .object({ id: ZId, name: z.string(), slug: z.string(), createdAt: timestamp("When it was created."), updatedAt: timestamp("When it was last changed.") })
  .meta({ id: "Application", example: { id: "cmapp0shop0000000000000001", name: "Shop", slug: "shop", createdAt: "2026-01-15T12:00:00.000Z", updatedAt: "2026-01-20T09:30:00.000Z" } });

export const ZPolicyDocument = z
  .object({
    Version: z.literal("2012-10-17"),
    Statement: z.array(
      z.object({
        Sid: z.string().optional(),
        Effect: z.enum(["Allow", "Deny"]),
        Principal: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
        Action: z.union([z.string(), z.array(z.string())]),
        Resource: z.union([z.string(), z.array(z.string())]).optional(),
        Condition: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))).optional(),
      }),
    ),
  })
  .meta({ id: "PolicyDocument", description: "An AWS IAM policy document, ready to apply." });

export const ZApiOidcValues = z
  .object({
    issuerUrl: z.string().meta({ description: "Provider URL in IAM → Identity providers; the `iss` of the portal's tokens." }),
    audience: z.literal("sts.amazonaws.com").meta({ description: "The audience (client ID) to add to the provider." }),
    subject: z.string().meta({ description: "Your team's subject: the `sub` of every token the portal signs for your team." }),
    thumbprint: z.string().nullable().meta({ description: "The issuer certificate's SHA-1 thumbprint, when one applies and is known." }),
    thumbprintStatus: z.enum(["computed", "configured", "not-applicable", "unavailable"]),
    thumbprintNote: z.string().nullable().meta({ description: "Why there is no thumbprint, when there is none." }),
    warnings: z.array(z.string()).meta({ description: "Problems with the issuer's configuration that would make AWS refuse it." }),
  })
  .meta({
    id: "OidcValues",
    example: {
      issuerUrl: "https://portal.example.org/oidc",
      audience: "sts.amazonaws.com",
      subject: "team_4f3c2a1b",
      thumbprint: null,
      thumbprintStatus: "not-applicable",
      thumbprintNote: "AWS no longer needs a thumbprint for this issuer.",
      warnings: [],
    },
  });

export const ZApiRegistrySetup = z
  .object({
    trustPolicy: ZPolicyDocument.nullable().meta({ description: "IAM Authentication: the role's trust policy, limited to your team's subject." }),
    permissionsPolicy: ZPolicyDocument.nullable().meta({ description: "What the role (or the access key's user) must be allowed to pull." }),
    repositoryPolicy: ZPolicyDocument.nullable().meta({ description: "When the role is in another account than the registry: the repositories' policy." }),
    crossAccount: z.boolean(),
    commands: z
      .array(z.object({ id: z.enum(["provider", "role", "permissions", "repository-policy", "trust-policy"]), title: z.string(), explanation: z.string(), command: z.string() }))
      .meta({ description: "IAM Authentication: the AWS CLI commands of the setup checklist, in order, with your values filled in." }),
    problem: z.string().nullable().meta({ description: "Why the setup cannot be generated (e.g. a stored role ARN that is no longer valid)." }),
  })
  .meta({ id: "RegistrySetup" });

export const ZApiProviderGuide = z
  .object({
    steps: z.array(z.object({ title: z.string(), body: z.string(), command: z.string().optional() })).meta({ description: "Where to create the credential, in the provider's terms, with CLI commands where the provider has them." }),
    minimumPermission: z.string(),
    pullScope: z.string().meta({ description: "The token scope (or permission) a pull needs." }),
    artefacts: z
      .array(z.object({ title: z.string(), fileName: z.string(), text: z.string(), description: z.string() }))
      .optional()
      .meta({ description: "Keyless registries: one-click alternatives to the commands (Terraform JSON), with the portal's issuer and the team's subject filled in." }),
  })
  .meta({ id: "RegistryProviderGuide" });

export const ZApiRegistry = z
  .object({
    id: ZId,
    provider: z.enum(REGISTRY_PROVIDERS),
    name: z.string().nullable(),
    hostname: z.string(),
    authType: z.enum(REGISTRY_AUTH_TYPES),
    roleArn: z.string().nullable().meta({ description: "IAM Authentication: the role the portal assumes." }),
    accessKeyIdMasked: z.string().nullable().meta({ description: "Access key: the key ID, masked. The secret is never returned." }),
    username: z.string().nullable().meta({ description: "Username and token (basic): the username, robot or token name. The token is never returned. Quay keyless: the robot account." }),
    secretMasked: z.string().nullable().meta({ description: "Username and token, service principal: the stored secret's well-known prefix and last characters (e.g. ghp_…WXYZ), to recognise it." }),
    tenantId: z.string().nullable().meta({ description: "Azure service principal or keyless: the tenant (directory) ID." }),
    clientId: z.string().nullable().meta({ description: "Azure service principal or keyless: the application (client) ID of the app or managed identity." }),
    projectNumber: z.string().nullable().meta({ description: "Google keyless: the workload identity pool's project number." }),
    poolId: z.string().nullable().meta({ description: "Google keyless: the workload identity pool ID." }),
    providerId: z.string().nullable().meta({ description: "Google keyless: the pool's OIDC provider ID." }),
    serviceAccount: z.string().nullable().meta({ description: "Google keyless: the service account impersonated, if any." }),
    acrPermissionsMode: z.string().nullable().meta({ description: 'Azure keyless: "abac" when the registry uses RBAC Registry + ABAC Repository Permissions (the identity needs Container Registry Repository Reader); null for RBAC Registry Permissions (AcrPull).' }),
    abacRepositories: z.string().nullable().meta({ description: "Azure keyless with ABAC: the repositories the role assignment's condition names, space-separated; null for every repository." }),
    serviceAccountEmail: z.string().nullable().meta({ description: "Google JSON key: the service account's email. The key is never returned." }),
    projectId: z.string().nullable().meta({ description: "Google JSON key: the key's project." }),
    privateKeyId: z.string().nullable().meta({ description: "Google JSON key: the key's ID, to find it under the service account's Keys." }),
    flavor: z.enum(GENERIC_FLAVORS).nullable().meta({ description: "Generic registries: harbor, nexus, jfrog or other (shapes the setup guide only)." }),
    allApplications: z.boolean(),
    applications: z.array(z.object({ id: ZId, name: z.string(), slug: z.string() })).meta({ description: "When allApplications is false: the applications that may use it." }),
    testStatus: z.enum(REGISTRY_TEST_STATUSES).meta({ description: "never: not tested since its connection changed; verified; failing; unsafe: works, but the role trusts every team." }),
    lastTestedAt: timestamp("When it was last tested.").nullable(),
    verifiedAt: timestamp("When a test last passed.").nullable(),
    failingSince: timestamp("First failure of the current failing streak.").nullable(),
    lastTestError: z.string().nullable(),
    status: z
      .object({
        kind: z.enum(REGISTRY_STATUS_KINDS),
        label: z.string(),
        since: timestamp("The time the status is about: verified at, failing since, changed at or last tested.").nullable(),
        explanation: z.string(),
      })
      .meta({ description: "What the registry page shows: testStatus as of now. stale: the last passed test is older than the re-test interval; changed: not tested since its connection changed." }),
    oidc: ZApiOidcValues.nullable().meta({ description: "IAM Authentication: the values of the OpenID Connect provider to create in AWS." }),
    setup: ZApiRegistrySetup,
    guide: ZApiProviderGuide,
    createdAt: timestamp("When it was added."),
    updatedAt: timestamp("When its settings last changed (a test is not a change)."),
  })
  .meta({ id: "Registry" });

const ZDiagnosis = z.object({
  summary: z.string(),
  fix: z.string(),
  setupStep: z.string().nullable(),
  snippet: z.string().optional(),
  awsCode: z.string().optional(),
  awsMessage: z.string().optional(),
});

export const ZApiTestResult = z
  .object({
    verdict: z.enum(["verified", "failing", "unsafe"]),
    headline: z.string(),
    startedAt: z.iso.datetime(),
    durationMs: z.number(),
    steps: z.array(
      z.object({
        id: z.enum(["sign-token", "caller-identity", "assume-role", "negative-check", "ecr-token", "credential-exchange", "registry-login", "registry-token", "manifest"]),
        title: z.string().meta({ description: "What the step does, in the vendor's words." }),
        api: z.string().optional().meta({ description: "The API call behind the step, e.g. STS AssumeRoleWithWebIdentity or GET /v2/." }),
        status: z.enum(["pending", "running", "passed", "failed", "skipped"]),
        detail: z.string().optional(),
        detailTime: z.iso.datetime().optional().meta({ description: "A time that completes the detail, e.g. when the ECR login token expires." }),
        durationMs: z.number().optional(),
        requestId: z.string().optional(),
        diagnosis: ZDiagnosis.optional(),
      }),
    ),
    sentClaims: z.object({ iss: z.string(), aud: z.string(), sub: z.string() }).optional().meta({ description: "The claims the portal sent to AWS, when AWS refused them." }),
  })
  .meta({ id: "TestResult" });

export const ZApiAuditEvent = z
  .object({
    id: ZId,
    createdAt: z.iso.datetime(),
    action: z.string().meta({ description: "e.g. registry.created, registry.tested, api_token.created, api.request." }),
    actor: z.discriminatedUnion("type", [
      z.object({ type: z.literal("user"), userId: z.string().nullable(), email: z.string().nullable() }),
      z.object({ type: z.literal("token"), tokenId: z.string(), name: z.string().nullable() }),
      z.object({ type: z.literal("system") }),
    ]),
    target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
    metadata: z.record(z.string(), z.unknown()),
  })
  .meta({
    id: "AuditEvent",
    example: {
      id: "cmaudit0000000000000000001",
      createdAt: "2026-01-15T12:00:00.000Z",
      action: "customer.created",
      actor: { type: "token", tokenId: "cmtoken0ci00000000000000001", name: "ci-deploy" },
      target: { type: "customer", id: "cmcust0acme000000000000001" },
      metadata: { name: "Acme", applicationId: "cmapp0shop0000000000000001" },
    },
  });

export const ZApiToken = z
  .object({
    id: ZId,
    name: z.string(),
    role: ZTeamRole,
    displayPrefix: z.string().meta({ description: "The token's first characters, to recognise it." }),
    status: z.enum(["active", "expired", "revoked"]),
    createdAt: z.iso.datetime(),
    createdByEmail: z.string(),
    expiresAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable().meta({ description: "Last use, to the minute." }),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({
    id: "ApiToken",
    example: {
      id: "cmtoken0ci00000000000000001",
      name: "ci-deploy",
      role: "MEMBER",
      displayPrefix: "rp_Zx3V0r",
      status: "active",
      createdAt: "2026-01-15T12:00:00.000Z",
      createdByEmail: "admin@vendor.example",
      expiresAt: "2026-04-15T12:00:00.000Z",
      lastUsedAt: "2026-01-20T09:30:00.000Z",
      revokedAt: null,
    },
  });

export const ZApiCustomer = z
  .object({
    id: ZId,
    applicationId: ZId,
    name: z.string(),
    email: z.string().nullable(),
    state: z.enum(["active", "revoked", "expired"]).meta({ description: "active: the license works; revoked or expired: pulls are refused." }),
    expiresAt: timestamp("When the license stops working (the end of its last day, UTC); null: never.").nullable(),
    revokedAt: timestamp("When the license was revoked.").nullable(),
    createdAt: timestamp("When the customer was added."),
    updatedAt: timestamp("When it last changed."),
  })
  .meta({ id: "Customer", description: "A customer of an application. The license ID is never part of it; see CustomerWithLicense.", example: customerExample() });

export const ZApiCustomerWithLicense = ZApiCustomer.extend({
  licenseId: z
    .string()
    .nullable()
    .meta({ description: "The customer's registry password (and username). Returned to member and admin tokens only, as the customer page shows it; null for a viewer token." }),
}).meta({ id: "CustomerWithLicense", example: { ...customerExample(), licenseId: "lic_k7q2m4x6z8b3d5f7h2j4l6n8p3r5t7v2" } });

function customerExample() {
  return {
    id: "cmcust0acme000000000000001",
    applicationId: "cmapp0shop0000000000000001",
    name: "Acme",
    email: "ops@acme.example",
    state: "active" as const,
    expiresAt: "2027-01-01T00:00:00.000Z",
    revokedAt: null,
    createdAt: "2026-01-15T12:00:00.000Z",
    updatedAt: "2026-01-15T12:00:00.000Z",
  };
}

export const ZApiPullEvent = z
  .object({
    id: z.string().meta({ description: "The event's number." }),
    customerId: z.string().nullable().meta({ description: "The customer whose license was used; null when none was (e.g. a refused sign-in)." }),
    registryId: z.string().nullable(),
    action: z.string().meta({ description: "token (sign-in), manifest, blob (layer), tags, catalog, ping, airgap (an air-gap archive download from the customer's page), or airgap_blob (one layer or config that archive carried: repository, the image's tag or digest as reference, the blob's digest)." }),
    method: z.string(),
    repository: z.string().nullable(),
    reference: z.string().nullable().meta({ description: "The tag or digest asked for." }),
    digest: z.string().nullable(),
    status: z.number().int().meta({ description: "The HTTP status the proxy answered." }),
    bytes: z.number().int(),
    durationMs: z.number().int(),
    upstreamStatus: z.number().int().nullable().meta({ description: "What the vendor's registry answered, when it was asked." }),
    clientAddress: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: timestamp("When the request was made."),
  })
  .meta({
    id: "PullEvent",
    example: {
      id: "1042",
      customerId: "cmcust0acme000000000000001",
      registryId: "cmreg0ecr00000000000000001",
      action: "manifest",
      method: "GET",
      repository: "shop/api",
      reference: "3.1",
      digest: "sha256:4f1c6d2b8e0a7c5f3b9d1e6a2c8f0b4d7e3a9c5f1b6d2e8a0c4f7b3d9e1a5c6f2",
      status: 200,
      bytes: 1520,
      durationMs: 84,
      upstreamStatus: 200,
      clientAddress: "203.0.113.7",
      userAgent: "docker/27.3.1",
      createdAt: "2026-01-15T12:00:00.000Z",
    },
  });

export const ZApiDailyPullTotals = z
  .object({
    day: z.string().meta({ description: "YYYY-MM-DD, UTC." }),
    pulls: z.number().int().meta({ description: "Successful manifest downloads (GET): at least one per docker pull of an image." }),
    bytes: z.number().int(),
    requests: z.number().int(),
    failed: z.number().int().meta({ description: "Requests answered with 4xx or 5xx." }),
  })
  .meta({ id: "DailyPullTotals", example: { day: "2026-01-15", pulls: 12, bytes: 734003200, requests: 96, failed: 1 } });
