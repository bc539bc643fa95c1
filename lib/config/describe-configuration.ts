// The configuration as logged at start-up: every setting an operator may need
// to check, and for secrets only whether they are set (never a value, never
// the database password).
import type { Env } from "@/lib/env";

export function describeConfiguration(env: Env): Record<string, unknown> {
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    listenHost: env.LISTEN_HOST ?? "all interfaces",
    appUrl: env.APP_URL,
    oidcIssuerUrl: env.OIDC_ISSUER_URL,
    database: describeDatabase(env.DATABASE_URL),
    nextauthSecret: env.NEXTAUTH_SECRET ? "set" : "missing",
    dataEncryptionKey: env.DATA_ENCRYPTION_KEY ? "set" : "missing",
    previousDataEncryptionKeys: (env.DATA_ENCRYPTION_KEYS_PREVIOUS ?? "").split(",").filter((key) => key.trim() !== "").length,
    oidcThumbprint: env.OIDC_THUMBPRINT ?? "computed",
    oidcKeyRotationDays: env.OIDC_KEY_ROTATION_DAYS,
    oidcNextKeyLeadHours: env.OIDC_NEXT_KEY_LEAD_HOURS,
    oidcRetiredKeyMarginMinutes: env.OIDC_RETIRED_KEY_MARGIN_MINUTES,
    allowAmbientAwsCredentials: env.ALLOW_AMBIENT_AWS_CREDENTIALS,
    awsEndpointSts: env.AWS_ENDPOINT_URL_STS ?? "AWS regional",
    awsEndpointEcr: env.AWS_ENDPOINT_URL_ECR ?? "AWS regional",
    registryEndpointOverrides: env.REGISTRY_ENDPOINT_OVERRIDES.length > 0 ? env.REGISTRY_ENDPOINT_OVERRIDES.map((override) => override.hostname).join(", ") : "none",
    authEndpointOverrides: env.AUTH_ENDPOINT_OVERRIDES.length > 0 ? env.AUTH_ENDPOINT_OVERRIDES.map((override) => override.hostname).join(", ") : "none",
    registryRetest: env.REGISTRY_RETEST_ENABLED ? `every ${env.REGISTRY_RETEST_INTERVAL_HOURS} h` : "off",
    metricsListen: env.METRICS_LISTEN ?? "off",
    logLevel: env.LOG_LEVEL ?? "info",
  };
}

function describeDatabase(url: string | undefined): string {
  if (!url) return "not set";
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return "set (unparsable URL)";
  }
}
