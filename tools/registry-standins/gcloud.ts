// The gcloud commands a page shows, run as gcloud runs them: there is no
// gcloud CLI here, so the exact command text is parsed as a shell would
// (quotes, backslash line continuations, `export NAME=value`) and each command
// becomes the REST calls gcloud makes (IAM v1's workload identity pools and
// providers, Artifact Registry's and IAM's getIamPolicy/setIamPolicy
// read-modify-write) against the endpoint the command names:
// `CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM` / `_ARTIFACTREGISTRY` exported by the
// script (gcloud's own variables, `https://host/` with a trailing slash), or
// else the endpoint the caller's network maps Google's host to. A command that
// would call real Google throws; so does a flag gcloud would not take, a
// value missing, or the API's refusal (its message), so a wrong value in a
// shown command fails the test. `curl … > file` (the uploaded-JWKS setup)
// fetches into an in-memory file that `--jwk-json-path` then reads.

/** A stand-in on this machine (never a real Google host). */
function isLoopbackUrl(url: string): boolean {
  const host = URL.canParse(url) ? new URL(url).hostname : "";
  return host === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "[::1]";
}

/** gcloud's API names, their public base URLs and the override variables that replace them. */
const APIS = {
  iam: { base: "https://iam.googleapis.com/", variable: "CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM" },
  artifactregistry: { base: "https://artifactregistry.googleapis.com/", variable: "CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY" },
} as const;
type GoogleApi = keyof typeof APIS;

export interface GcloudContext {
  /**
   * The network the commands run on: a Google API's public base URL mapped
   * to where it is answered (a stand-in), used when the script sets no
   * override for that API. Without either, a command refuses to call Google.
   */
  endpoints?: Partial<Record<string, string>>;
  /** Files written by `curl … > name` and read by `--jwk-json-path`. */
  files?: Map<string, string>;
}

/** Every admin API of a stand-in that answers them all at `url`, as a network map for `applyGcloudScript`. */
export function googleApiEndpoints(url: string): Record<string, string> {
  return Object.fromEntries(Object.values(APIS).map((api) => [api.base, `${url.replace(/\/+$/, "")}/`]));
}

/** Runs every command of a script (one or more commands, `\` continuations allowed). */
export async function applyGcloudScript(script: string, context: GcloudContext = {}): Promise<void> {
  const files = (context.files ??= new Map());
  const exported = new Map<string, string>();
  for (const line of script.replace(/\\\n\s*/g, " ").split("\n").map((text) => text.trim()).filter(Boolean)) {
    const words = splitShellWords(line);
    if (words[0] === "export") {
      for (const assignment of words.slice(1)) {
        const eq = assignment.indexOf("=");
        if (eq <= 0) throw new Error(`export: not NAME=value: ${assignment}`);
        exported.set(assignment.slice(0, eq), assignment.slice(eq + 1));
      }
      continue;
    }
    if (words[0] === "curl") {
      const redirect = words.indexOf(">");
      const url = words.slice(1, redirect === -1 ? undefined : redirect).find((word) => !word.startsWith("-"));
      if (!url || redirect === -1 || !words[redirect + 1]) throw new Error(`unsupported curl command: ${line}`);
      const response = await fetch(url);
      if (!response.ok) throw new Error(`curl: ${url} answered ${response.status}`);
      files.set(words[redirect + 1]!, await response.text());
      continue;
    }
    await runGcloudCommand(words, { endpoint: (api) => endpointOf(api, exported, context.endpoints ?? {}), files });
  }
}

function endpointOf(api: GoogleApi, exported: Map<string, string>, network: Partial<Record<string, string>>): string {
  const override = exported.get(APIS[api].variable);
  if (override !== undefined && !/^https?:\/\/[^/]+\/$/.test(override)) throw new Error(`${APIS[api].variable} must be a base URL ending in /, as gcloud expects (e.g. https://${api}.googleapis.com/), not ${override}`);
  const endpoint = override ?? network[APIS[api].base] ?? APIS[api].base;
  if (!isLoopbackUrl(endpoint)) throw new Error(`the command would call ${endpoint} (real Google): set ${APIS[api].variable} to the stand-in`);
  return endpoint;
}

interface Runner {
  endpoint(api: GoogleApi): string;
  files: Map<string, string>;
}

/** One REST call as gcloud makes it (its own access token as Bearer); the API's error message on a refusal. */
async function call(runner: Runner, api: GoogleApi, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${runner.endpoint(api)}${path}`, {
    method,
    headers: { authorization: "Bearer gcloud-user-access-token", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown> & { error?: { message?: string; status?: string } };
  if (!response.ok) throw new Error(`${answer.error?.status ?? response.status}: ${answer.error?.message ?? "refused"}`);
  return answer;
}

/** Waits for a long-running operation as gcloud does (polling its name). */
async function finished(runner: Runner, operation: Record<string, unknown>): Promise<void> {
  let current = operation;
  for (let attempt = 0; current.done !== true; attempt++) {
    if (attempt >= 20) throw new Error(`operation ${String(current.name)} did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    current = await call(runner, "iam", "GET", `v1/${String(current.name)}`);
  }
  if (current.error) throw new Error(`operation ${String(current.name)} failed: ${JSON.stringify(current.error)}`);
}

/** add-iam-policy-binding: gcloud's read-modify-write of the resource's policy, with its etag. */
async function addBinding(runner: Runner, api: GoogleApi, resource: string, readWithGet: boolean, binding: { role: string; member: string }): Promise<void> {
  const policy = await call(runner, api, readWithGet ? "GET" : "POST", `v1/${resource}:getIamPolicy`, readWithGet ? undefined : {});
  const bindings = ((policy.bindings ?? []) as { role: string; members: string[] }[]).map((entry) => ({ ...entry, members: [...entry.members] }));
  const existing = bindings.find((entry) => entry.role === binding.role);
  if (existing) {
    if (!existing.members.includes(binding.member)) existing.members.push(binding.member);
  } else {
    bindings.push({ role: binding.role, members: [binding.member] });
  }
  await call(runner, api, "POST", `v1/${resource}:setIamPolicy`, { policy: { bindings, etag: policy.etag } });
}

async function runGcloudCommand(words: string[], runner: Runner): Promise<void> {
  if (words[0] !== "gcloud") throw new Error(`not a gcloud command: ${words.join(" ")}`);
  const positional = words.slice(1).filter((word) => !word.startsWith("--"));
  const flags = new Map<string, string>();
  for (const word of words.slice(1).filter((candidate) => candidate.startsWith("--"))) {
    const eq = word.indexOf("=");
    if (eq === -1) throw new Error(`flag without a value: ${word}`);
    flags.set(word.slice(2, eq), word.slice(eq + 1));
  }
  // gcloud refuses an unknown flag before it calls anything.
  const noOtherFlags = () => {
    if (flags.size > 0) throw new Error(`unrecognized arguments: ${[...flags.keys()].map((name) => `--${name}`).join(" ")}`);
  };
  const take = (name: string, required = true): string | undefined => {
    const value = flags.get(name);
    flags.delete(name);
    if (required && (value === undefined || value === "")) throw new Error(`--${name} is required`);
    return value;
  };
  const project = take("project")!;
  const command = positional.slice(0, -1).join(" ");
  const resource = positional.at(-1)!;
  const pools = () => `v1/projects/${project}/locations/global/workloadIdentityPools`;

  switch (command) {
    case "iam workload-identity-pools create": {
      if (take("location") !== "global") throw new Error("workload identity pools live in --location=global");
      const displayName = take("display-name", false);
      noOtherFlags();
      await finished(runner, await call(runner, "iam", "POST", `${pools()}?workloadIdentityPoolId=${encodeURIComponent(resource)}`, displayName === undefined ? {} : { displayName }));
      break;
    }
    case "iam workload-identity-pools providers create-oidc":
    case "iam workload-identity-pools providers update-oidc": {
      if (take("location") !== "global") throw new Error("workload identity pools live in --location=global");
      const pool = take("workload-identity-pool")!;
      const creating = command.endsWith("create-oidc");
      const jwkPath = take("jwk-json-path", false);
      const mapping = take("attribute-mapping", creating);
      const issuerUri = take("issuer-uri", creating);
      const condition = take("attribute-condition", false);
      const audiences = take("allowed-audiences", false);
      const oidc = {
        ...(issuerUri !== undefined ? { issuerUri } : {}),
        ...(audiences !== undefined ? { allowedAudiences: audiences.split(",") } : {}),
        ...(jwkPath !== undefined ? { jwksJson: requireFile(runner.files, jwkPath) } : {}),
      };
      const body = {
        ...(mapping !== undefined ? { attributeMapping: Object.fromEntries(mapping.split(",").map((pair) => pair.split("=") as [string, string])) } : {}),
        ...(condition !== undefined ? { attributeCondition: condition } : {}),
        oidc,
      };
      noOtherFlags();
      if (creating) {
        await finished(runner, await call(runner, "iam", "POST", `${pools()}/${encodeURIComponent(pool)}/providers?workloadIdentityPoolProviderId=${encodeURIComponent(resource)}`, body));
      } else {
        const mask = [...(mapping !== undefined ? ["attributeMapping"] : []), ...(condition !== undefined ? ["attributeCondition"] : []), ...Object.keys(oidc).map((key) => `oidc.${key}`)];
        await finished(runner, await call(runner, "iam", "PATCH", `${pools()}/${encodeURIComponent(pool)}/providers/${encodeURIComponent(resource)}?updateMask=${mask.join(",")}`, body));
      }
      break;
    }
    case "artifacts repositories add-iam-policy-binding": {
      const location = take("location")!;
      const binding = { role: take("role")!, member: take("member")! };
      noOtherFlags();
      await addBinding(runner, "artifactregistry", `projects/${project}/locations/${location}/repositories/${resource}`, true, binding);
      break;
    }
    case "iam service-accounts add-iam-policy-binding": {
      const binding = { role: take("role")!, member: take("member")! };
      noOtherFlags();
      await addBinding(runner, "iam", `projects/-/serviceAccounts/${resource}`, false, binding);
      break;
    }
    default:
      throw new Error(`gcloud ${command} is not played by the stand-in`);
  }
}

function requireFile(files: Map<string, string>, name: string): string {
  const text = files.get(name);
  if (text === undefined) throw new Error(`${name}: no such file`);
  return text;
}

/** Splits a command line as sh does for words, single and double quotes (no expansions). */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote) {
      if (char === quote) quote = null;
      else if (char === "\\" && quote === '"' && (line[i + 1] === '"' || line[i + 1] === "\\")) current += line[++i];
      else current += char;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated quote in: ${line}`);
  if (inWord) words.push(current);
  return words;
}
