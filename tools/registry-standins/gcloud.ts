// The gcloud commands a page shows, applied to the Google stand-in's state:
// there is no gcloud CLI here, so the exact command text is parsed as a shell
// would (quotes, backslash line continuations) and each argument is applied
// as gcloud would apply it. A flag gcloud would not take, a project or
// location that is not the stand-in's, or a value missing throws, so a wrong
// value in a shown command fails the test. `curl … > file` (the uploaded-JWKS
// setup) fetches into an in-memory file that `--jwk-json-path` then reads.
import type { GoogleFederation } from "./google-federation";

export interface GcloudContext {
  federation: GoogleFederation;
  /** The Artifact Registry location of the stand-in's host (e.g. europe-west1). */
  location: string;
  /** Files written by `curl … > name` and read by `--jwk-json-path`. */
  files?: Map<string, string>;
}

/** Applies every command of a script (one or more commands, `\` continuations allowed). */
export async function applyGcloudScript(script: string, context: GcloudContext): Promise<void> {
  const files = (context.files ??= new Map());
  for (const line of script.replace(/\\\n\s*/g, " ").split("\n").map((text) => text.trim()).filter(Boolean)) {
    const words = splitShellWords(line);
    if (words[0] === "curl") {
      const redirect = words.indexOf(">");
      const url = words.slice(1, redirect === -1 ? undefined : redirect).find((word) => !word.startsWith("-"));
      if (!url || redirect === -1 || !words[redirect + 1]) throw new Error(`unsupported curl command: ${line}`);
      const response = await fetch(url);
      if (!response.ok) throw new Error(`curl: ${url} answered ${response.status}`);
      files.set(words[redirect + 1]!, await response.text());
      continue;
    }
    applyGcloudCommand(words, { ...context, files });
  }
}

function applyGcloudCommand(words: string[], context: GcloudContext & { files: Map<string, string> }): void {
  if (words[0] !== "gcloud") throw new Error(`not a gcloud command: ${words.join(" ")}`);
  const positional = words.slice(1).filter((word) => !word.startsWith("--"));
  const flags = new Map<string, string>();
  for (const word of words.slice(1).filter((candidate) => candidate.startsWith("--"))) {
    const eq = word.indexOf("=");
    if (eq === -1) throw new Error(`flag without a value: ${word}`);
    flags.set(word.slice(2, eq), word.slice(eq + 1));
  }
  const { federation } = context;
  const take = (name: string, required = true): string | undefined => {
    const value = flags.get(name);
    flags.delete(name);
    if (required && (value === undefined || value === "")) throw new Error(`--${name} is required`);
    return value;
  };
  const project = take("project")!;
  if (project !== federation.projectNumber && project !== federation.projectId) throw new Error(`NOT_FOUND: project ${project}`);
  const command = positional.slice(0, -1).join(" ");
  const resource = positional.at(-1)!;

  switch (command) {
    case "iam workload-identity-pools create": {
      if (take("location") !== "global") throw new Error("workload identity pools live in --location=global");
      take("display-name", false);
      federation.createPool(resource);
      break;
    }
    case "iam workload-identity-pools providers create-oidc":
    case "iam workload-identity-pools providers update-oidc": {
      if (take("location") !== "global") throw new Error("workload identity pools live in --location=global");
      const pool = take("workload-identity-pool")!;
      const jwkPath = take("jwk-json-path", false);
      const jwks = jwkPath === undefined ? undefined : (JSON.parse(requireFile(context.files, jwkPath)) as { keys: [] });
      const mapping = take("attribute-mapping", command.endsWith("create-oidc"));
      const attributeMapping = mapping === undefined ? undefined : Object.fromEntries(mapping.split(",").map((pair) => pair.split("=") as [string, string]));
      const issuerUri = take("issuer-uri", command.endsWith("create-oidc"));
      const condition = take("attribute-condition", false);
      const audiences = take("allowed-audiences", false)?.split(",");
      if (command.endsWith("create-oidc")) {
        federation.createOidcProvider(pool, resource, { issuerUri: issuerUri!, attributeMapping: attributeMapping!, attributeCondition: condition ?? null, ...(audiences ? { allowedAudiences: audiences } : {}), ...(jwks ? { jwks } : {}) });
      } else {
        federation.updateOidcProvider(pool, resource, { ...(issuerUri ? { issuerUri } : {}), ...(attributeMapping ? { attributeMapping } : {}), ...(condition !== undefined ? { attributeCondition: condition } : {}), ...(audiences ? { allowedAudiences: audiences } : {}), ...(jwks ? { jwks } : {}) });
      }
      break;
    }
    case "artifacts repositories add-iam-policy-binding": {
      const location = take("location")!;
      if (location !== context.location) throw new Error(`NOT_FOUND: repository ${resource} in ${location} (the registry is in ${context.location})`);
      federation.addRepositoryBinding(resource, { role: take("role")!, member: take("member")! });
      break;
    }
    case "iam service-accounts add-iam-policy-binding":
      federation.addServiceAccountBinding(resource, { role: take("role")!, member: take("member")! });
      break;
    default:
      throw new Error(`gcloud ${command} is not played by the stand-in`);
  }
  if (flags.size > 0) throw new Error(`unrecognized arguments: ${[...flags.keys()].map((name) => `--${name}`).join(" ")}`);
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
