// `npm run oidc:rotate`: schedule the next signing key now (published at once,
// signing after OIDC_NEXT_KEY_LEAD_HOURS, the old key retired then).
// `-- --next-now [--overlap=5m]`: a suspected leak; the new key signs after a
// short overlap and the old one is unpublished once its tokens expired.
// `-- --emergency`: a confirmed leak; a new key signs at once and the old one
// is unpublished at once, so tokens it signed stop verifying.
// Works while the portal runs (it joins the running embedded database), tells
// every running portal process, and prints how many acknowledged.
import { randomUUID } from "node:crypto";
import { prisma } from "@/lib/db";
import { openAckCollector } from "@/lib/oidc/key-change-acks";
import { keyState } from "@/lib/oidc/key-lifecycle";
import { getLifecyclePolicy, JWKS_MAX_AGE_SECONDS } from "@/lib/oidc/lifecycle-policy";
import { parseRotateArguments, ROTATE_USAGE } from "@/lib/oidc/rotation-options";
import { listSigningKeys, maintainSigningKeys } from "@/lib/oidc/signing-keys";
import { log, preparePortalRuntime, runMain, StartupError } from "./lib/portal-runtime";

const REASON = { rotate: "manual rotation (npm run oidc:rotate)", "next-now": "suspected leak (npm run oidc:rotate --next-now)", emergency: "emergency: confirmed leak (npm run oidc:rotate --emergency)" } as const;

runMain(async () => {
  const parsed = parseRotateArguments(process.argv.slice(2));
  if (!parsed.ok) throw new StartupError(`${parsed.message}\n${ROTATE_USAGE}`);
  const { mode, overlapMs, waitMs } = parsed.options;
  if (mode === "next-now" && overlapMs < JWKS_MAX_AGE_SECONDS * 1000) {
    log(`warning: the overlap (${overlapMs / 1000} s) is shorter than the JWKS max-age (${JWKS_MAX_AGE_SECONDS} s): a verifier that cached the key set just before now may refuse the new key's tokens until its cache expires`);
  }
  const runtime = await preparePortalRuntime({ joinRunningDatabase: true });
  const acks = await openAckCollector(runtime.databaseUrl);
  try {
    const now = new Date();
    const announcementId = randomUUID();
    const result = await maintainSigningKeys(getLifecyclePolicy(), now, mode, { overlapMs, reason: REASON[mode], announcementId });
    const returnedAt = new Date();
    for (const event of result.events) log(`${event.action.replace("_", " ").padEnd(18)} ${event.kid}  ${describeTimes(event.details)}`);
    if (!result.created) log("a next key is already scheduled; nothing to do (use --next-now or --emergency to replace it)");

    for (const key of await listSigningKeys()) {
      const state = keyState(key, returnedAt);
      if (state === "removed") continue;
      log(`  ${key.kid}  ${state.padEnd(8)} signs ${key.signsFrom.toISOString()} → ${key.signsUntil?.toISOString() ?? "(until rotated)"}, published until ${key.publishedUntil?.toISOString() ?? "(until retired)"}`);
    }

    if (result.announced) {
      const { acks: received, listeners } = await acks.collect(result.announced.id, waitMs);
      const serving = received.filter((ack) => !result.created || (ack.publishedKids.includes(result.created) && (mode !== "emergency" || ack.signingKid === result.created)));
      const slowest = Math.max(0, ...received.map((ack) => ack.afterMs));
      log(`${serving.length} of ${listeners} running portal process${listeners === 1 ? "" : "es"} acknowledged the change${received.length > 0 ? ` (slowest after ${slowest} ms)` : ""}`);
      if (serving.length < listeners) {
        log(`warning: ${listeners - serving.length} process(es) did not acknowledge within ${waitMs / 1000} s; they re-read the keys within a minute at the latest`);
      }
      if (listeners === 0) log("no portal process is running on this database; portals started later read the new keys at start-up");
    }
    if (mode === "emergency" && result.created) {
      const cachesExpireBy = new Date(now.getTime() + JWKS_MAX_AGE_SECONDS * 1000);
      log(`the old key is unpublished and ${result.created} signs now. Caches that honoured the old max-age (at most ${JWKS_MAX_AGE_SECONDS} s), AWS included, may refuse the new key's tokens and accept the old key's until ${cachesExpireBy.toISOString()}`);
    }
    if (mode === "next-now" && result.created) {
      log(`the new key ${result.created} is published now and signs from ${new Date(now.getTime() + overlapMs).toISOString()}`);
    }
  } finally {
    await acks.close();
    await prisma.$disconnect();
    await runtime.stop();
  }
});

function describeTimes(details: Record<string, string | null> | undefined): string {
  return Object.entries(details ?? {})
    .map(([name, value]) => `${name} ${value}`)
    .join(", ");
}
