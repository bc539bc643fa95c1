// What the benchmarks (bench:proxy, bench:airgap) share: starting a child
// process and waiting for its ready line, the local AWS's control API, and a
// license's proxy token. Every subject and reference runs in a process of its
// own, never inside the load generator.
import { spawn, type ChildProcess } from "node:child_process";

export interface BenchChildren {
  root: string;
  env: Record<string, string>;
  children: ChildProcess[];
}

/** Starts `node --import tsx <args>` and resolves with the match of `ready` in its output; later log lines go to stderr. */
export function startChild(bench: BenchChildren, label: string, args: string[], ready: RegExp, extraEnv: Record<string, string> = {}): Promise<RegExpExecArray> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: bench.root, env: { ...process.env, ...bench.env, ...extraEnv }, stdio: ["ignore", "pipe", "inherit"] });
  bench.children.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = ready.exec(output);
      if (match) {
        resolve(match);
        // From now on the child's log lines (pino JSON: warnings and errors only) go to stderr.
        child.stdout!.removeAllListeners("data");
        child.stdout!.on("data", (more: Buffer) => {
          for (const line of more.toString("utf8").split("\n")) if (line.startsWith("{")) process.stderr.write(`${label}: ${line}\n`);
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`${label} exited with ${code} before it was ready:\n${output}`)));
  });
}

/** A call to the local AWS's control API (synthetic images, call counts). */
export async function localAwsControl<T>(awsUrl: string, pathname: string, body: object): Promise<T> {
  const response = await fetch(`${awsUrl}${pathname}`, { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`local AWS ${pathname}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A proxy token for a license and the given repositories, from the portal at `portalUrl`. */
export async function proxyToken(portalUrl: string, licenseId: string, names: string[]): Promise<string> {
  const scopes = names.map((name) => `scope=${encodeURIComponent(`repository:${name}:pull`)}`).join("&");
  const response = await fetch(`${portalUrl}/v2/token?service=${new URL(portalUrl).host}&${scopes}`, { headers: { authorization: `Basic ${Buffer.from(`${licenseId}:${licenseId}`).toString("base64")}` } });
  if (!response.ok) throw new Error(`token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}
