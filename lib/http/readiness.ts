import "server-only";
// Readiness: whether this process can serve the portal now, i.e. reach its
// database within a short time. Liveness (/api/health) never asks the
// database, so an outage takes processes out of the load balancer without
// getting them restarted.
import { prisma } from "@/lib/db";
import { log } from "@/lib/log";

const TIMEOUT_MS = 2000;

export async function checkReadiness(): Promise<{ ready: boolean; checks: { database: "ok" | "unreachable" } }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      prisma.$queryRaw`SELECT 1`,
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { ready: true, checks: { database: "ok" } };
  } catch (error) {
    log.warn({ err: error }, "not ready: database unreachable");
    return { ready: false, checks: { database: "unreachable" } };
  } finally {
    clearTimeout(timer);
  }
}
