// The portal's one logger (pino): JSON lines in production, readable lines in
// development. Modules log a short stable message plus fields, through child
// loggers that carry requestId, teamId and userId where known. Never log a
// secret, token, license or password: the redaction below is a safety net,
// not a licence to pass them in.
import pino, { type DestinationStream, type Logger } from "pino";
import { currentRequestContext } from "@/lib/http/request-context";

const REDACTED_PATHS = [
  "password",
  "*.password",
  "secret",
  "*.secret",
  "secretAccessKey",
  "*.secretAccessKey",
  "sessionToken",
  "*.sessionToken",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "license",
  "*.license",
  "newPassword",
  "*.newPassword",
  "currentPassword",
  "*.currentPassword",
  "privateKey",
  "*.privateKey",
  "encryptedCredentials",
  "*.encryptedCredentials",
  "encryptedPrivateKey",
  "*.encryptedPrivateKey",
  'headers["set-cookie"]',
];

/**
 * Every line carries the request's ID (and team and user once known), errors
 * logged as `err` keep their stack. `destination` is for tests that read what
 * was logged.
 */
// LOG_LEVEL is read here, not through lib/env.ts, because the logger must exist
// before the configuration is validated (lib/env.ts still checks its value).
export function createLogger(options: { destination?: DestinationStream; level?: string } = {}): Logger {
  const level = options.level || process.env.LOG_LEVEL || (process.env.NODE_ENV === "test" ? "silent" : "info");
  const pretty = !options.destination && process.env.NODE_ENV === "development";
  const settings = {
    level,
    base: { service: "portal" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    mixin: () => {
      const context = currentRequestContext();
      return context ? { ...context } : {};
    },
    ...(pretty ? { transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l" } } } : {}),
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

const globalForLog = globalThis as unknown as { portalLog?: Logger };

/** One logger per process, shared by the production server and Next.js's compiled code. */
export const log: Logger = (globalForLog.portalLog ??= createLogger());

export type { Logger };
