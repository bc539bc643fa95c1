// `npm run oidc:rotate`: schedule the next signing key now (published at once,
// signing after OIDC_NEXT_KEY_LEAD_HOURS, the old key retired then).
// `npm run oidc:rotate -- --emergency`: for a leaked key only; a new key signs
// at once and the old one is unpublished, so tokens it signed stop verifying.
import { getLifecyclePolicy } from "@/lib/oidc/lifecycle-policy";
import { listSigningKeys, maintainSigningKeys } from "@/lib/oidc/signing-keys";
import { keyState } from "@/lib/oidc/key-lifecycle";
import { log, preparePortalRuntime, runMain } from "./lib/portal-runtime";

runMain(async () => {
  const emergency = process.argv.includes("--emergency");
  const runtime = await preparePortalRuntime();
  try {
    const now = new Date();
    const result = await maintainSigningKeys(getLifecyclePolicy(), now, emergency ? "emergency" : "rotate");
    if (result.created) log(`created signing key ${result.created}`);
    else log("a next key is already scheduled; nothing to do");
    for (const key of await listSigningKeys()) {
      log(`  ${key.kid}  ${keyState(key, now).padEnd(8)} signs ${key.signsFrom.toISOString()} → ${key.signsUntil?.toISOString() ?? "(until rotated)"}, published until ${key.publishedUntil?.toISOString() ?? "(until retired)"}`);
    }
    log("running portals pick up the change within a minute");
  } finally {
    await runtime.stop();
  }
});
