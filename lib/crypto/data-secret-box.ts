import "server-only";
import { parseDataKeyring } from "@/lib/crypto/data-keyring";
import { createSecretBox } from "@/lib/crypto/secret-box";
import { getEnv } from "@/lib/env";

let box: ReturnType<typeof createSecretBox> | undefined;

/** The secret box keyed with the configured data-encryption key(s). */
export function getDataSecretBox(): ReturnType<typeof createSecretBox> {
  if (!box) {
    const env = getEnv();
    box = createSecretBox(parseDataKeyring({ current: env.DATA_ENCRYPTION_KEY, ...(env.DATA_ENCRYPTION_KEYS_PREVIOUS ? { previous: env.DATA_ENCRYPTION_KEYS_PREVIOUS } : {}) }));
  }
  return box;
}
