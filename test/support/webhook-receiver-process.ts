// The webhook receiver in a process of its own (the benchmark's reference
// side never runs inside the load generator). Prints {"port":…} when it
// listens; reads commands on stdin, one JSON per line:
//   {"secret":"whsec_…"}  verify with this secret from now on
//   {"report":true}       print {"received":[[id, receivedAtMs], …], "unverified":n, "cpuMs":…}
//   {"reset":true}        forget what was received
import readline from "node:readline";
import { startWebhookReceiver } from "./webhook-receiver";

const receiver = await startWebhookReceiver();
process.stdout.write(`${JSON.stringify({ port: Number(new URL(receiver.origin).port) })}\n`);
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const command = JSON.parse(line) as { secret?: string; report?: boolean; reset?: boolean };
  if (command.secret) receiver.secrets = [command.secret];
  if (command.reset) receiver.received.length = 0;
  if (command.report) {
    const usage = process.cpuUsage();
    process.stdout.write(
      `${JSON.stringify({ received: receiver.received.map((hook) => [hook.id, hook.receivedAt]), unverified: receiver.received.filter((hook) => !hook.verified).length, cpuMs: (usage.user + usage.system) / 1000 })}\n`,
    );
  }
});
process.stdin.on("end", () => void receiver.close().then(() => process.exit(0)));
