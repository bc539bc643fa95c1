// Secrets a single-machine install needs, generated on first start into the
// data directory (mode 0600) when the environment does not provide them.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const GENERATED = {
  NEXTAUTH_SECRET: () => randomBytes(32).toString("base64url"),
  DATA_ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
} as const;

type SecretName = keyof typeof GENERATED;

/**
 * Fills missing secrets in `env` from `<dataDir>/secrets.json`, creating the
 * file (or adding to it) when needed. Returns the names that were generated now.
 */
export function loadLocalSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): SecretName[] {
  const file = path.join(dataDir, "secrets.json");
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const stored: Partial<Record<SecretName, string>> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  const generated: SecretName[] = [];
  for (const name of Object.keys(GENERATED) as SecretName[]) {
    if (env[name]) continue;
    if (!stored[name]) {
      stored[name] = GENERATED[name]();
      generated.push(name);
    }
    env[name] = stored[name];
  }
  if (generated.length > 0) {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
    fs.renameSync(temporary, file);
  }
  return generated;
}
