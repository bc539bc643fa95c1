// Run as a separate process by the concurrency test: one portal starting up.
import { getLifecyclePolicy } from "@/lib/oidc/lifecycle-policy";
import { maintainSigningKeys } from "@/lib/oidc/signing-keys";

await maintainSigningKeys(getLifecyclePolicy(), new Date());
process.exit(0);
