// `npm run bench:webhooks`: the notification outbox and its worker on a real
// embedded Postgres, with the receiver (verifying every signature) in a
// process of its own:
//   1. the cost the outbox adds to the request that causes an event: the same
//      transaction (a registry's status update) with and without the outbox
//      insert, alternating rounds;
//   2. event → first attempt with no backlog: 1,000 events at a steady pace,
//      one worker (p50, p99);
//   3. throughput: 1,000 events at once, drained by one worker, then by two
//      in the same process; deliveries per second and CPU per delivery,
//      alternating over two rounds.
// A benchmark, not a test: it prints figures.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrations";

const EVENTS = Number(process.env.BENCH_EVENTS || 1000);
const PACE_PER_SECOND = Number(process.env.BENCH_PACE || 50);
const ROUNDS = 2;
const root = path.resolve(import.meta.dirname, "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");

const progress = (message: string) => process.stderr.write(`[bench:webhooks] ${message}\n`);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-webhooks-"));
fs.chmodSync(dataDir, 0o755);
const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), database: "portal_bench" });
await applyMigrations(database.url);
Object.assign(process.env, { DATABASE_URL: database.url, NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"), APP_URL: "http://127.0.0.1:3999", LOG_LEVEL: "warn" });

// The receiver first: its origin is the one the portal may post to over http.
const receiverProcess = spawn(tsx, ["--conditions=react-server", "test/support/webhook-receiver-process.ts"], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
const receiverLines = readline.createInterface({ input: receiverProcess.stdout! });
const nextReceiverLine = () => new Promise<string>((resolve) => receiverLines.once("line", resolve));
const { port } = JSON.parse(await nextReceiverLine()) as { port: number };
progress(`receiver listening on ${port}`);
process.env.WEBHOOK_ALLOWED_ORIGINS = `http://127.0.0.1:${port}`;

const { signUp } = await import("@/lib/auth/service");
const { prisma } = await import("@/lib/db");
const { recordNotificationEvent } = await import("@/lib/notifications/outbox");
const { createWebhookEndpoint } = await import("@/lib/notifications/webhook-endpoints");
const { ZWebhookEndpointInput } = await import("@/lib/notifications/webhook-schema");

const { userId, teamId } = await signUp({ name: "Bench", email: "bench@example.com", password: "a long enough passphrase", teamName: "Bench" });
const actor = { userId, email: "bench@example.com" };
const { secret } = await createWebhookEndpoint(teamId, actor, ZWebhookEndpointInput.parse({ url: `http://127.0.0.1:${port}/hooks`, eventTypes: ["registry.failing"] }));
receiverProcess.stdin!.write(`${JSON.stringify({ secret })}\n`);
const registry = await prisma.registry.create({ data: { teamId, provider: "ecr", hostname: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", authType: "iam_role", testStatus: "verified" } });

const payload = (i: number) => ({
  registry: { id: registry.id, name: `r${i}`, hostname: registry.hostname, provider: "ecr", testStatus: "failing" as const, url: "http://127.0.0.1:3999/apps/a/registries/x" },
  test: { verdict: "failing" as const, headline: "AWS refused to assume the role", trigger: "scheduled" as const, testedAt: new Date().toISOString(), failedStep: { id: "assume-role", title: "Assume the role", summary: "The role does not exist.", fix: "Create it again." } },
});

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round1 = (value: number) => Math.round(value * 10) / 10;
const round3 = (value: number) => Math.round(value * 1000) / 1000;

progress("measuring the request's added cost");
// 1. The request's added cost.
async function requestTransaction(withEvent: boolean, i: number): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.registry.updateMany({ where: { id: registry.id, teamId }, data: { lastTestedAt: new Date(), lastTestError: `run ${i}` } });
    if (withEvent) await recordNotificationEvent(tx, teamId, "registry.failing", payload(i));
  });
}
const costs = { with: [] as number[], without: [] as number[], cpuWith: 0, cpuWithout: 0 };
for (let i = 0; i < 100; i++) await requestTransaction(i % 2 === 0, i); // warm-up
for (let round = 0; round < 4; round++) {
  for (const withEvent of round % 2 === 0 ? [false, true] : [true, false]) {
    const cpu = process.cpuUsage();
    for (let i = 0; i < 250; i++) {
      const started = performance.now();
      await requestTransaction(withEvent, i);
      (withEvent ? costs.with : costs.without).push(performance.now() - started);
    }
    const used = process.cpuUsage(cpu);
    if (withEvent) costs.cpuWith += (used.user + used.system) / 1000;
    else costs.cpuWithout += (used.user + used.system) / 1000;
  }
}
await prisma.notificationEvent.deleteMany({});

// The workers run in this process (the receiver, the reference side, has its
// own): a worker in a process of its own was ended from outside on this shared
// machine mid-run, twice, without a word; here an end would be seen.
const { startNotificationWorker } = await import("@/lib/notifications/worker");
interface Worker {
  stop(): Promise<number>;
}
async function startWorker(): Promise<Worker> {
  const cpu = process.cpuUsage();
  const worker = startNotificationWorker({ pollMs: 500 });
  return {
    async stop() {
      await worker.stop();
      const used = process.cpuUsage(cpu);
      return (used.user + used.system) / 1000;
    },
  };
}
async function receiverReport(): Promise<{ received: [string, number][]; unverified: number; cpuMs: number }> {
  receiverProcess.stdin!.write(`${JSON.stringify({ report: true })}\n`);
  return JSON.parse(await nextReceiverLine()) as { received: [string, number][]; unverified: number; cpuMs: number };
}
async function waitForReceived(count: number, timeoutMs = 300_000): Promise<{ received: [string, number][]; unverified: number; cpuMs: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await receiverReport();
    if (report.received.length >= count || Date.now() > deadline) return report;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const resetReceiver = () => receiverProcess.stdin!.write(`${JSON.stringify({ reset: true })}\n`);

progress("event to first attempt, no backlog");
// 2. Event → first attempt, no backlog.
const latency = await (async () => {
  const worker = await startWorker();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const createdAt = new Map<string, number>();
  const started = Date.now();
  for (let i = 0; i < EVENTS; i++) {
    const at = started + (i * 1000) / PACE_PER_SECOND;
    const wait = at - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const before = Date.now();
    const id = await recordNotificationEvent(prisma, teamId, "registry.failing", payload(i));
    createdAt.set(id, before);
  }
  const report = await waitForReceived(EVENTS);
  await worker.stop();
  resetReceiver();
  const delays = report.received.filter(([id]) => createdAt.has(id)).map(([id, at]) => at - createdAt.get(id)!);
  return { received: report.received.length, unverified: report.unverified, p50: percentile(delays, 50), p99: percentile(delays, 99), max: Math.max(...delays) };
})();

// 3. Throughput from a backlog: one worker, then two workers in the same process (each claims its own batches), alternating.
async function drain(processes: number) {
  const cpu = process.cpuUsage();
  const workers = await Promise.all(Array.from({ length: processes }, startWorker));
  progress(`${processes} worker(s) started`);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await prisma.notificationEvent.createMany({ data: Array.from({ length: EVENTS }, (_, i) => ({ id: `msg_bench${processes}${Date.now()}${i}`, teamId, type: "registry.failing", payload: payload(i) })) });
  const started = Date.now();
  const report = await waitForReceived(EVENTS);
  const seconds = (Math.max(...report.received.map(([, at]) => at)) - started) / 1000;
  await Promise.all(workers.map((worker) => worker.stop()));
  // The process's CPU over the drain (the workers share it), not a sum of per-worker readings.
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  resetReceiver();
  const ids = new Set(report.received.map(([id]) => id));
  return { workers: processes, delivered: report.received.length, duplicates: report.received.length - ids.size, unverified: report.unverified, seconds: round1(seconds), perSecond: round1(report.received.length / seconds), processCpuMsPerDelivery: round3(cpuMs / report.received.length) };
}
progress("throughput from a backlog");
const throughput = [];
for (let round = 0; round < ROUNDS; round++) for (const processes of round % 2 === 0 ? [1, 2] : [2, 1]) throughput.push(await drain(processes));

const median = (values: number[]) => percentile(values, 50);
console.log(
  JSON.stringify(
    {
      machine: { cpus: os.cpus().length, load1: round1(os.loadavg()[0]!) },
      requestCost: {
        transactions: costs.with.length,
        withoutEventMedianMs: round3(median(costs.without)),
        withEventMedianMs: round3(median(costs.with)),
        addedMedianMs: round3(median(costs.with) - median(costs.without)),
        withoutEventP99Ms: round3(percentile(costs.without, 99)),
        withEventP99Ms: round3(percentile(costs.with, 99)),
        cpuMsPerTransactionWithout: round3(costs.cpuWithout / costs.without.length),
        cpuMsPerTransactionWith: round3(costs.cpuWith / costs.with.length),
      },
      eventToFirstAttempt: { events: EVENTS, pacePerSecond: PACE_PER_SECOND, ...latency },
      throughput,
    },
    null,
    2,
  ),
);

receiverProcess.stdin!.end();
await prisma.$disconnect();
await database.stop();
fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
