// `npm run bench:oidc-rotation`: how soon every portal process serves a new
// key set after `npm run oidc:rotate` returns (target: under 1 s), for a
// normal rotation, --next-now and --emergency, on two production-server
// processes sharing one embedded database. Each process's JWKS is polled every
// 10 ms from before the command starts. A benchmark, not a test: it prints
// figures (there is no reference server to compare against: the figure is a
// delay, not a throughput). Needs `npm run build`.
import { startPortalCluster } from "@/test/support/portal-cluster";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const PROCESSES = Number(process.env.BENCH_PROCESSES || 2);
// "Served" means the new key is published, and after an emergency the replaced keys are not.
const MODES = [
  { name: "rotate", args: [] as string[] },
  { name: "next-now", args: ["--next-now"] },
  { name: "emergency", args: ["--emergency"] },
];

const cluster = await startPortalCluster({ processes: PROCESSES });
const figures: Record<string, { commandMs: number; slowestAckMs: number; servedAfterReturnMs: number }[]> = {};
try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of MODES) {
      const polls: { process: number; at: number; kids: string[] }[] = [];
      let polling = true;
      const pollers = cluster.baseUrls.map(async (baseUrl, process) => {
        while (polling) {
          polls.push({ process, at: Date.now(), kids: await jwksKids(baseUrl) });
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      });
      const started = Date.now();
      const command = await cluster.runNpmScript("oidc:rotate", mode.args);
      const returned = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      polling = false;
      await Promise.all(pollers);
      const created = /created\s+(\S+)/.exec(command.stdout)?.[1];
      if (command.code !== 0 || !created) throw new Error(`oidc:rotate ${mode.args.join(" ")} failed:\n${command.stdout}${command.stderr}`);
      const acks = /(\d+) of (\d+) running portal process/.exec(command.stdout);
      if (!acks || acks[1] !== acks[2]) console.log(`  round ${round} ${mode.name}: not every process acknowledged: ${acks?.[0] ?? "no acknowledgement line"}`);
      const replaced = [...command.stdout.matchAll(/emergency replaced\s+(\S+)/g)].map((match) => match[1]!);
      const served = (kids: string[]) => kids.includes(created) && replaced.every((kid) => !kids.includes(kid));
      const servedAt = cluster.baseUrls.map((_, process) => polls.find((poll) => poll.process === process && poll.at >= started && served(poll.kids))?.at ?? Number.POSITIVE_INFINITY);
      (figures[mode.name] ??= []).push({
        commandMs: returned - started,
        slowestAckMs: Number(/slowest after (\d+) ms/.exec(command.stdout)?.[1] ?? NaN),
        servedAfterReturnMs: Math.max(0, Math.max(...servedAt) - returned),
      });
    }
  }
} finally {
  await cluster.stop();
}

console.log(`\nOIDC key rotation with ${PROCESSES} portal processes on one database, ${ROUNDS} rounds (machine shared with other work: figures are indicative)`);
console.log("mode        command (ms, incl. npm+tsx start)   slowest ack after commit (ms)   all processes serve the new set, after the command returned (ms; 0 = already at return)");
for (const [mode, rows] of Object.entries(figures)) {
  const column = (pick: (row: (typeof rows)[number]) => number) => rows.map(pick).join(" / ");
  console.log(`${mode.padEnd(11)} ${column((row) => row.commandMs).padEnd(35)} ${column((row) => row.slowestAckMs).padEnd(31)} ${column((row) => row.servedAfterReturnMs)}`);
}
const worst = Math.max(...Object.values(figures).flatMap((rows) => rows.map((row) => row.servedAfterReturnMs)));
console.log(`\nworst delay after the command returned: ${worst} ms (target < 1000 ms): ${worst < 1000 ? "met" : "NOT met"}`);

async function jwksKids(baseUrl: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/oidc/jwks`);
  const body = (await response.json()) as { keys: { kid: string }[] };
  return body.keys.map((key) => key.kid);
}
