// The only place that reads process.env: validated once, typed. A bad value
// stops start-up with one line naming the variable and what is expected.
import { z } from "zod";
import { parseRegistryEndpointOverrides } from "@/lib/registry-test/endpoints";

// `<hostname or *>=<base URL>,…`, parsed here once (REGISTRY_ and AUTH_ENDPOINT_OVERRIDES).
const endpointOverrides = z
  .string()
  .optional()
  .transform((value, context) => {
    const parsed = parseRegistryEndpointOverrides(value);
    if (parsed.ok) return parsed.value;
    context.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  });

const booleanString = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((value) => value === "true" || value === "1");

const positiveNumber = (fallback: number) =>
  z.coerce.number({ error: "must be a number" }).positive({ error: "must be greater than 0" }).default(fallback);

const httpUrl = z
  .string()
  .url({ error: "must be an absolute URL such as https://portal.example.com" })
  .refine((value) => /^https?:\/\//.test(value), { error: "must start with http:// or https://" });

// Comma-separated origins (scheme and host[:port]).
const originList = z
  .string()
  .optional()
  .superRefine((value, context) => {
    for (const origin of (value ?? "").split(",").map((part) => part.trim()).filter(Boolean)) {
      if (!/^https?:\/\/[^/?#]+$/.test(origin)) context.addIssue({ code: "custom", message: `must be a comma-separated list of origins such as http://localhost:4566 ("${origin}" is not one)` });
    }
  });

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    PORT: z.coerce.number({ error: "must be a port number" }).int().min(1).max(65535, { error: "must be 1-65535" }).default(3000),
    LISTEN_HOST: z.string().min(1).optional(),
    APP_URL: httpUrl.optional(),
    // Where customers pull from (docker login <host>); defaults to APP_URL.
    PROXY_URL: httpUrl
      .refine((value) => /^https?:\/\/[^/@?#]+\/?$/.test(value), {
        error: "must be a scheme and host only, such as https://registry.example.com (no path: clients always pull from /v2/)",
      })
      .optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: "must be a postgresql:// connection URL" })
      .optional(),
    DATA_DIR: z.string().min(1).default(".data"),
    NEXTAUTH_SECRET: z.string().min(32, { error: "must be at least 32 characters (generate one with: openssl rand -base64 32)" }),
    DATA_ENCRYPTION_KEY: z.string().min(1, { error: "is required (generate one with: openssl rand -base64 32)" }),
    DATA_ENCRYPTION_KEYS_PREVIOUS: z.string().optional(),
    OIDC_ISSUER_URL: httpUrl
      .refine((value) => !value.includes("?") && !value.includes("#"), {
        error: "must not contain a query string or fragment (AWS compares the issuer string exactly)",
      })
      .optional(),
    OIDC_THUMBPRINT: z
      .string()
      .regex(/^[0-9a-fA-F]{40}$/, { error: "must be 40 hexadecimal characters (a SHA-1 certificate thumbprint)" })
      .transform((value) => value.toLowerCase())
      .optional(),
    OIDC_KEY_ROTATION_DAYS: positiveNumber(30),
    OIDC_NEXT_KEY_LEAD_HOURS: z.coerce.number().min(24, { error: "must be at least 24 (AWS caches keys)" }).default(24),
    OIDC_RETIRED_KEY_MARGIN_MINUTES: z.coerce.number().min(60, { error: "must be at least 60" }).default(60),
    ALLOW_AMBIENT_AWS_CREDENTIALS: booleanString,
    // Parsed here, once: the Test reads the parsed list.
    REGISTRY_ENDPOINT_OVERRIDES: endpointOverrides,
    // Token realms and login hosts that are not a registry (auth.docker.io,
    // login.microsoftonline.com …), for private networks and the tests' stand-ins.
    AUTH_ENDPOINT_OVERRIDES: endpointOverrides,
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { error: "must be one of fatal, error, warn, info, debug, trace, silent" }).optional(),
    METRICS_LISTEN: z
      .string()
      .regex(/^(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, { error: "must be host:port, e.g. 127.0.0.1:9464" })
      .optional(),
    // How many reverse proxies stand in front of the portal: 0 trusts no
    // X-Forwarded-* header; N takes the client address N entries from the
    // right of X-Forwarded-For and the host from X-Forwarded-Host.
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((value, context) => {
        const text = (value ?? "false").trim().toLowerCase();
        if (text === "false" || text === "0") return 0;
        if (text === "true") return 1;
        if (/^[1-9]$/.test(text)) return Number(text);
        context.addIssue({ code: "custom", message: "must be false, true (one proxy) or the number of proxies in front of the portal (1-9)" });
        return z.NEVER;
      }),
    OPERATOR_EMAILS: z
      .string()
      .optional()
      .transform((value) =>
        (value ?? "")
          .split(",")
          .map((email) => email.trim().toLowerCase())
          .filter(Boolean),
      ),
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number({ error: "must be a number" }).int({ error: "must be a whole number" }).min(1, { error: "must be at least 1" }).default(120),
    AWS_ENDPOINT_URL_STS: httpUrl.optional(),
    AWS_ENDPOINT_URL_ECR: httpUrl.optional(),
    // The operator's S3 copy of the CloudFormation template (docs/vendor-guide.md, one-click setup): enables the quick-create link.
    CLOUDFORMATION_TEMPLATE_URL: z
      .url({ protocol: /^https$/, error: "must be the https:// URL of the template in Amazon S3 (CloudFormation reads templates only from S3)" })
      .optional(),
    // The pull path (lib/proxy): see docs/customers.md, "How customers pull".
    PROXY_BLOB_MODE: z.enum(["stream", "redirect"], { error: "must be stream or redirect" }).default("stream"),
    PROXY_RATE_LIMIT_PER_MINUTE: z.coerce.number({ error: "must be a number" }).int().min(1, { error: "must be at least 1" }).default(600),
    PROXY_MANIFEST_FRESH_SECONDS: z.coerce.number({ error: "must be a number of seconds" }).int().min(0).max(300, { error: "must be at most 300 seconds" }).default(5),
    PROXY_BLOB_CACHE_DIR: z
      .string()
      .optional()
      .refine((value) => !value || value.startsWith("/"), { error: "must be an absolute directory path such as /var/cache/portal-blobs" }),
    PROXY_BLOB_CACHE_MAX_MB: z.coerce.number({ error: "must be a number of MiB" }).int().min(1, { error: "must be at least 1" }).default(10_240),
    PROXY_STALE_TAG_SECONDS: z.coerce.number({ error: "must be a number of seconds" }).int().min(0).default(3600),
    PROXY_UPSTREAM_TIMEOUT_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(100).default(30_000),
    // Scheduled re-test of verified registries (lib/registries/retest-scheduler.ts);
    // a registry whose last test is older than the interval shows "stale".
    REGISTRY_RETEST_INTERVAL_HOURS: z.coerce.number({ error: "must be a number of hours" }).min(1, { error: "must be at least 1 (hour)" }).max(24 * 30, { error: "must be at most 720 (30 days)" }).default(24),
    REGISTRY_RETEST_ENABLED: z
      .enum(["true", "false", "1", "0"], { error: "must be true or false" })
      .default("true")
      .transform((value) => value === "true" || value === "1"),
    PROXY_ALLOWED_REDIRECT_ORIGINS: originList,
    // Notifications (docs/notifications.md): origins where webhook endpoints
    // may be http:// or private addresses (local mode and tests only).
    WEBHOOK_ALLOWED_ORIGINS: originList,
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/, { error: "must be an smtp:// or smtps:// URL such as smtps://user:password@smtp.example.com:465" })
      .optional(),
    MAIL_FROM: z.string().min(3, { error: "must be an address such as Registry Portal <portal@example.com>" }).optional(),
    NOTIFICATIONS_WORKER_ENABLED: z
      .enum(["true", "false", "1", "0"], { error: "must be true or false" })
      .default("true")
      .transform((value) => value === "true" || value === "1"),
  })
  .transform((env) => {
    const appUrl = (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");
    return { ...env, APP_URL: appUrl, PROXY_URL: (env.PROXY_URL ?? appUrl).replace(/\/+$/, ""), OIDC_ISSUER_URL: (env.OIDC_ISSUER_URL ?? `${appUrl}/oidc`).replace(/\/+$/, "") };
  });

export type Env = z.infer<typeof EnvSchema>;

export class EnvError extends Error {}

let cached: Env | undefined;

/** The validated configuration; throws EnvError naming the first bad variable. */
export function getEnv(): Env {
  if (cached) return cached;
  const result = EnvSchema.safeParse(emptyToUndefined(process.env));
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? "configuration");
    throw new EnvError(`Configuration error: ${name} ${issue?.message ?? "is invalid"}`);
  }
  cached = result.data;
  return cached;
}

/** For tests that change the environment. */
export function resetEnvCache(): void {
  cached = undefined;
}

function emptyToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === "" ? undefined : value]));
}
