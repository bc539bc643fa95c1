// The portal's one logger (pino): JSON lines in production, readable lines in
// development. Modules log a short stable message plus fields, through child
// loggers that carry requestId, teamId and userId where known. Never log a
// secret, token, license or password: the redaction below is a safety net,
// not a licence to pass them in.
import pino, { type Logger } from "pino";

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
];

function createLogger(): Logger {
  const level = process.env.LOG_LEVEL || (process.env.NODE_ENV === "test" ? "silent" : "info");
  const pretty = process.env.NODE_ENV === "development";
  return pino({
    level,
    base: { service: "portal" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    ...(pretty ? { transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l" } } } : {}),
  });
}

const globalForLog = globalThis as unknown as { portalLog?: Logger };

/** One logger per process, shared by the production server and Next.js's compiled code. */
export const log: Logger = (globalForLog.portalLog ??= createLogger());

export type { Logger };
