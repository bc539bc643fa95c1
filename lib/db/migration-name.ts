// The name of a new migration, from `npm run db:migration -- <name>`,
// `-- --name <name>` or `-- --name=<name>` (what `prisma migrate dev` accepts).
import type { ParseResult } from "@/lib/parse-result";

const USAGE = "Usage: npm run db:migration -- <name> (or -- --name <name>): letters, digits, _ and -, at most 60";

export function parseMigrationNameArgument(args: string[]): ParseResult<string> {
  let name: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "--name" || arg === "-n") name = args[++index];
    else if (arg.startsWith("--name=")) name = arg.slice("--name=".length);
    else if (arg.startsWith("-")) return { ok: false, message: `Unknown option ${arg}. ${USAGE}` };
    else name ??= arg;
  }
  if (!name || !/^[a-z0-9_-]{1,60}$/i.test(name)) return { ok: false, message: USAGE };
  return { ok: true, value: name };
}
