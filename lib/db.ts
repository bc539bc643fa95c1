import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { getEnv } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";

function createPrismaClient() {
  const { DATABASE_URL } = getEnv();
  if (!DATABASE_URL) throw new Error("DATABASE_URL is not set; start the portal with `npm start`, which provides it");
  // The pool is ours (not the adapter's) so its size can be reported as metrics.
  const pool = new pg.Pool({ connectionString: DATABASE_URL });
  // An idle connection the server closes (a restart, a failover) is an error
  // event on the pool; unhandled it would end the process. The pool opens a
  // new connection for the next query.
  pool.on("error", (error) => log.warn({ err: error }, "database connection lost; the next query opens a new one"));
  globalForPrisma.portalPool = pool;
  return new PrismaClient({
    adapter: new PrismaPg(pool),
    // Sensitive columns are hidden by default; the one function that needs
    // one selects it explicitly with `omit: { column: false }`.
    omit: {
      user: { passwordHash: true },
      registry: { encryptedCredentials: true },
      oidcSigningKey: { encryptedPrivateKey: true },
      customer: { encryptedLicense: true },
      apiToken: { tokenHash: true },
      webhookEndpoint: { encryptedSecret: true, encryptedPreviousSecret: true },
    },
  });
}

export type PortalPrismaClient = ReturnType<typeof createPrismaClient>;

const globalForPrisma = globalThis as unknown as { portalPrisma?: PortalPrismaClient; portalPool?: pg.Pool };

/** Connections of this process's database pool, once the client exists. */
export function databasePoolStats(): { total: number; idle: number; waiting: number } | null {
  const pool = globalForPrisma.portalPool;
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
}

function client(): PortalPrismaClient {
  globalForPrisma.portalPrisma ??= createPrismaClient();
  return globalForPrisma.portalPrisma;
}

/**
 * The Prisma client, created on first use so that importing a module never
 * needs the configuration (the production build imports every module).
 */
export const prisma: PortalPrismaClient = new Proxy({} as PortalPrismaClient, {
  get: (_target, property) => Reflect.get(client(), property, client()),
});
