// The production server as the benchmarks run it: PORTAL_SERVER_COMMAND on
// loopback with a throwaway configuration, quiet but for warnings.
import { spawn, type ChildProcess } from "node:child_process";
import { PORTAL_SERVER_COMMAND } from "./portal-server-command";

export function spawnBenchPortal(options: { cwd: string; port: number; databaseUrl: string }): ChildProcess {
  const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
  const baseUrl = `http://127.0.0.1:${options.port}`;
  return spawn(...PORTAL_SERVER_COMMAND, {
    cwd: options.cwd,
    stdio: "ignore",
    env: {
      ...inherited,
      NODE_ENV: "production",
      LISTEN_HOST: "127.0.0.1",
      PORT: String(options.port),
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
      DATABASE_URL: options.databaseUrl,
      APP_URL: baseUrl,
      NEXTAUTH_SECRET: "benchmark-secret-benchmark-secret-benchmark",
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
    },
  });
}
