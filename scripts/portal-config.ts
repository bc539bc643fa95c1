// The configuration check of `npm start`'s supervisor (compiled to
// dist/portal-config.mjs): validates the environment as every server will
// (lib/env.ts) and prints, as one JSON line on stdout, either what the
// supervisor needs of it or the message naming the first bad variable. A
// process of its own so that the supervisor, which lives as long as the
// portal, never loads the validation library (about 16 MiB resident).
import { EnvError, getEnv } from "@/lib/env";

export type PortalConfigAnswer =
  | { ok: true; config: { PORT: number; LISTEN_HOST: string | null; APP_URL: string; OIDC_ISSUER_URL: string; DATABASE_URL: string | null } }
  | { ok: false; message: string };

let answer: PortalConfigAnswer;
try {
  const env = getEnv();
  answer = { ok: true, config: { PORT: env.PORT, LISTEN_HOST: env.LISTEN_HOST ?? null, APP_URL: env.APP_URL, OIDC_ISSUER_URL: env.OIDC_ISSUER_URL, DATABASE_URL: env.DATABASE_URL ?? null } };
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  answer = { ok: false, message: error.message };
}
process.stdout.write(JSON.stringify(answer) + "\n");
