import "server-only";
// A registry test as the portal runs it for a signed-in vendor: the team's
// registry (404 for another team's), the rate limit, the run itself, and the
// result persisted on the registry (driving the list's badge) and in the
// audit log. Secrets stay inside this module and run-test.ts.
import { parseRoleArn } from "@/lib/aws/arn";
import { parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { recordAuditOutcome, type AuditActor } from "@/lib/audit/service";
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { NOT_FOUND, UserFacingError } from "@/lib/http/result";
import { log } from "@/lib/log";
import { getIssuer } from "@/lib/oidc/issuer";
import { getOidcProviderInfo, thumbprintValue } from "@/lib/oidc/provider-info";
import { loadRegistryCredentials, type RegistryCredentials } from "@/lib/registries/credentials";
import { PROVIDERS, type RegistryProviderModule } from "@/lib/registries/providers";
import { getAuthEndpoints } from "@/lib/registry-auth/endpoints";
import { getRegistry, registryLabel, type RegistryView } from "@/lib/registries/service";
import type { TestEndpoints } from "@/lib/registry-test/endpoints";
import { claimTestSlot, TESTS_PER_MINUTE, type TestTrigger } from "@/lib/registry-test/rate-limit";
import { runOciRegistryTest } from "@/lib/registry-test/run-oci-test";
import { runRegistryTest, type RegistryTestRun, type RegistryTestTarget } from "@/lib/registry-test/run-test";
import { parseImageReference, type ImageReference, type TRegistryTestInput } from "@/lib/registry-test/schema";
import type { RegistryTestResult, StepResult } from "@/lib/registry-test/steps";
import { recordTestTelemetry } from "@/lib/registry-test/telemetry";
import { recordRegistryTestEvent } from "@/lib/notifications/registry-events";

export class RateLimitedError extends UserFacingError {
  constructor(readonly retryAfterSeconds: number) {
    super("rate_limited", `Your team has run ${TESTS_PER_MINUTE} tests in the last minute, the most allowed. Try again in ${retryAfterSeconds} s.`);
  }
}

/** The result of the registry's last test, as stored (no secrets), or null. */
export async function getLastTestResult(teamId: string, registryId: string): Promise<RegistryTestResult | null> {
  const row = await prisma.registry.findFirst({ where: { id: registryId, teamId }, select: { lastTestResult: true } });
  const stored = row?.lastTestResult as RegistryTestResult | null | undefined;
  return stored && typeof stored === "object" && Array.isArray(stored.steps) ? stored : null;
}

/** Where tests send requests: the SDK's regional endpoints unless configured otherwise. */
export function getTestEndpoints(): TestEndpoints {
  const env = getEnv();
  return {
    ...(env.AWS_ENDPOINT_URL_STS ? { sts: env.AWS_ENDPOINT_URL_STS } : {}),
    ...(env.AWS_ENDPOINT_URL_ECR ? { ecr: env.AWS_ENDPOINT_URL_ECR } : {}),
    registryOverrides: env.REGISTRY_ENDPOINT_OVERRIDES,
  };
}

export interface PreparedRegistryTest {
  run(onStep?: (step: StepResult) => void): Promise<RegistryTestRun>;
}

/**
 * Everything that can refuse a test before it starts (another team's
 * registry, bad input, an incomplete registry, the rate limit), so the
 * caller can answer with a status code before streaming the steps.
 */
export async function prepareRegistryTest(
  team: { id: string; publicId: string },
  actor: AuditActor | null,
  registryId: string,
  input: TRegistryTestInput,
  trigger: TestTrigger = "manual",
): Promise<PreparedRegistryTest> {
  const registry = await getRegistry(team.id, registryId);
  if (!registry) throw NOT_FOUND();
  const provider = PROVIDERS[registry.provider];
  if (!provider) throw new UserFacingError("invalid_registry", "This registry's provider is not known to this portal. Edit the registry.");
  const hostname = provider.parseHostname(registry.hostname);
  if (!hostname.ok) throw new UserFacingError("invalid_registry", `The stored hostname is no longer valid: ${hostname.message} Edit the registry.`);
  let image: ImageReference | undefined;
  if (input.image) {
    const parsed = parseImageReference(input.image, hostname.value);
    if (!parsed.ok) throw new UserFacingError("invalid_input", "Some fields need attention.", { image: parsed.message });
    image = parsed.value;
  }
  const credentials = await loadRegistryCredentials(team.id, registryId);
  if (!credentials) throw NOT_FOUND();
  const target = provider.login.kind === "ecr" ? ecrTarget(team, registryId, registry.hostname, credentials) : ({ kind: "oci", provider, hostname: hostname.value, credentials, teamId: team.id } as const);

  const slot = await claimTestSlot(team.id, actor, { id: registry.id, label: registryLabel(registry) }, new Date(), trigger);
  if (!slot.ok) throw new RateLimitedError(slot.retryAfterSeconds);

  return { run: (onStep) => runAndRecord(team, registry, target, slot.auditEventId, image, onStep, trigger) };
}

type PreparedTarget = { kind: "ecr"; target: RegistryTestTarget } | { kind: "oci"; provider: RegistryProviderModule; hostname: string; credentials: RegistryCredentials; teamId: string };

function ecrTarget(team: { id: string; publicId: string }, registryId: string, storedHostname: string, credentials: RegistryCredentials): PreparedTarget {
  const hostname = parseEcrHostname(storedHostname);
  if (!hostname.ok) throw new UserFacingError("invalid_registry", `The stored hostname is no longer valid: ${hostname.message} Edit the registry.`);
  if (credentials.authType === "iam_role") {
    const role = parseRoleArn(credentials.roleArn, { partition: hostname.value.partition });
    if (!role.ok) throw new UserFacingError("invalid_registry", `${role.message} Edit the registry.`);
    return { kind: "ecr", target: { authType: "iam_role", teamId: team.id, teamPublicId: team.publicId, registryId, hostname: hostname.value, role: role.value } };
  }
  if (credentials.authType === "access_key") {
    return { kind: "ecr", target: { authType: "access_key", hostname: hostname.value, credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey } } };
  }
  if (credentials.authType === "ambient") return { kind: "ecr", target: { authType: "ambient", hostname: hostname.value } };
  throw new UserFacingError("invalid_registry", "This ECR registry has an auth type ECR does not use. Edit the registry.");
}

/** prepareRegistryTest then run, for callers that need no status code first. */
export async function testRegistry(team: { id: string; publicId: string }, actor: AuditActor, registryId: string, input: TRegistryTestInput, onStep?: (step: StepResult) => void): Promise<RegistryTestRun> {
  return (await prepareRegistryTest(team, actor, registryId, input)).run(onStep);
}

async function runAndRecord(
  team: { id: string },
  registry: RegistryView,
  prepared: PreparedTarget,
  auditEventId: string,
  image: ImageReference | undefined,
  onStep: ((step: StepResult) => void) | undefined,
  trigger: TestTrigger,
): Promise<RegistryTestRun> {
  const run =
    prepared.kind === "ecr"
      ? await runRegistryTest(prepared.target, {
          endpoints: getTestEndpoints(),
          issuerUrl: getIssuer().url,
          // Looked up inside the test's clock, and only for IAM authentication.
          thumbprint: async () => thumbprintValue((await getOidcProviderInfo()).thumbprint),
          ...(image ? { image } : {}),
          ...(onStep ? { onStep } : {}),
        })
      : await runOciRegistryTest(prepared, { endpoints: getAuthEndpoints(), ...(image ? { image } : {}), ...(onStep ? { onStep } : {}) });
  recordTestTelemetry({ teamId: team.id, registryId: registry.id, authType: registry.authType, hostname: registry.hostname }, run.result);
  await persistOutcome(team.id, registry, negativeCheckTargetOf(prepared), auditEventId, run.result, image, trigger);
  return run;
}

/**
 * Stores the result on the registry and the outcome on the audit event. When
 * the database is unreachable the vendor still sees the result, and the
 * writes are retried in the background until it returns; if the process ends
 * first, finishInterruptedTests() marks the event failed later.
 */
async function persistOutcome(teamId: string, registry: RegistryView, checkTarget: string | null, auditEventId: string, result: RegistryTestResult, image: ImageReference | undefined, trigger: TestTrigger): Promise<void> {
  const write = () => writeOutcome(teamId, registry, checkTarget, auditEventId, result, image, trigger);
  try {
    await write();
  } catch (error) {
    log.warn({ err: error, teamId, registryId: registry.id, auditEventId }, "registry test outcome not recorded; retrying in the background");
    void retryInBackground(write, { teamId, registryId: registry.id, auditEventId });
  }
}

const OUTCOME_RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000];

async function retryInBackground(write: () => Promise<void>, fields: Record<string, string>): Promise<void> {
  for (const delay of OUTCOME_RETRY_DELAYS_MS) {
    await new Promise((resolve) => setTimeout(resolve, delay).unref());
    try {
      await write();
      log.info(fields, "registry test outcome recorded after a retry");
      return;
    } catch {
      // Still unreachable; try again later.
    }
  }
  log.error(fields, "registry test outcome could not be recorded; the audit event will be finished as failed");
}

/**
 * What the negative check is recorded for: the role ARN (IAM), or the
 * provider's federation target (keyless); null for registries without one.
 */
function negativeCheckTargetOf(prepared: PreparedTarget): string | null {
  if (prepared.kind === "ecr") return prepared.target.authType === "iam_role" ? prepared.target.role.arn : null;
  if (prepared.credentials.authType !== "federated") return null;
  return prepared.provider.federation?.checkTarget({ hostname: prepared.hostname, settings: prepared.credentials.settings }) ?? null;
}

async function writeOutcome(teamId: string, registry: RegistryView, checkTarget: string | null, auditEventId: string, result: RegistryTestResult, image: ImageReference | undefined, trigger: TestTrigger): Promise<void> {
  const now = new Date(result.startedAt);
  const failedStep = result.steps.find((step) => step.status === "failed");
  // The proxy uses an IAM or keyless registry only with a passed negative check for its current target (lib/proxy/role-safety.ts).
  const negativeCheck = result.steps.find((step) => step.id === "negative-check");
  const negativeCheckRecord =
    checkTarget === null ? {} : negativeCheck?.status === "passed" ? { negativeCheckTarget: checkTarget, negativeCheckPassedAt: now } : result.verdict === "unsafe" ? { negativeCheckPassedAt: null } : {};
  // Only the registry as it was tested: an edit made meanwhile reset its status and wins.
  // The notification (a change of verdict) is written with the result, or not at all.
  await prisma.$transaction(async (tx) => {
    // The status as stored now (another test may have finished meanwhile) decides the event, so a retried write sends none twice.
    const [before] = await tx.$queryRaw<{ testStatus: string; failingSince: Date | null }[]>`SELECT "testStatus", "failingSince" FROM "Registry" WHERE id = ${registry.id} AND "teamId" = ${teamId} FOR UPDATE`;
    const stored = await tx.registry.updateMany({
      where: { id: registry.id, teamId, updatedAt: registry.updatedAt },
      data: {
        testStatus: result.verdict,
        lastTestedAt: now,
        ...(result.verdict === "verified" ? { verifiedAt: now, failingSince: null, lastTestError: null } : { failingSince: registry.testStatus === "failing" || registry.testStatus === "unsafe" ? registry.failingSince ?? now : now, lastTestError: result.headline }),
        lastTestResult: JSON.parse(JSON.stringify(result)),
        ...negativeCheckRecord,
        // A test is not a change of the registry: "Last changed" and an open edit form stay as they are.
        updatedAt: registry.updatedAt,
      },
    });
    if (stored.count === 1 && before) await recordRegistryTestEvent(tx, teamId, { ...registry, ...before }, result, trigger);
  });
  await recordAuditOutcome(teamId, auditEventId, { outcome: result.verdict, ...(failedStep ? { failedStep: failedStep.title } : {}), ...(image ? { image: `${image.repository}:${image.reference}` } : {}) });
}
