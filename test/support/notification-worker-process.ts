// One portal process's notification worker and nothing else, for the
// exactly-once test and the benchmark: `tsx --conditions=react-server
// test/support/notification-worker-process.ts` with DATABASE_URL and the
// portal's variables set. Prints "ready", stops on SIGTERM, and reports its
// CPU time on stdout as JSON when it stops.
import { startNotificationWorker } from "@/lib/notifications/worker";

const worker = startNotificationWorker({ pollMs: Number(process.env.NOTIFICATION_TEST_POLL_MS ?? 500) });
// The worker's timers do not hold a process open (a portal process lives for its server); this one lives until SIGTERM.
const keepAlive = setInterval(() => {}, 60_000);
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  clearInterval(keepAlive);
  void worker.stop().then(() => {
    const usage = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMs: (usage.user + usage.system) / 1000 })}\n`);
    process.exit(0);
  });
});
