// A portal user signed in over real HTTP (next-auth's credentials endpoint),
// and the registry Test driven through its real route, for tests that talk to
// running portal processes rather than to the app's code.

/** One credentials sign-in attempt through next-auth's own endpoint, as the sign-in form makes it. */
export async function postCredentials(
  baseUrl: string,
  email: string,
  password: string,
  options: { headers?: Record<string, string>; cookie?: string; fields?: Record<string, string> } = {},
): Promise<Response> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers: options.headers ?? {} });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = [...csrf.headers.getSetCookie().map((cookie) => cookie.split(";")[0]), ...(options.cookie ? [options.cookie] : [])].join("; ");
  return fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...options.headers, "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ ...options.fields, csrfToken, email, password, json: "true" }),
  });
}

/** Signs in on `baseUrl`; returns the Cookie header of the session (valid on every process sharing NEXTAUTH_SECRET). */
export async function signInOverHttp(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await postCredentials(baseUrl, email, password);
  const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`sign-in on ${baseUrl} failed with ${response.status}`);
  return session.split(";")[0]!;
}

export interface HttpTestOutcome {
  status: number;
  verdict: string | null;
  /** The steps' failure messages, or the refusal's message. */
  problems: string[];
}

/** Runs a registry's Test through POST /api/registries/:id/test, as the Test button does, and reads the streamed result. */
export async function runRegistryTestOverHttp(baseUrl: string, cookie: string, registryId: string, image: string): Promise<HttpTestOutcome> {
  const response = await fetch(`${baseUrl}/api/registries/${registryId}/test`, {
    method: "POST",
    headers: { cookie, origin: baseUrl, "content-type": "application/json" },
    body: JSON.stringify({ image }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (!response.headers.get("content-type")?.includes("ndjson")) {
    return { status: response.status, verdict: null, problems: [text.slice(0, 300)] };
  }
  let verdict: string | null = null;
  const problems: string[] = [];
  for (const line of text.split("\n").filter(Boolean)) {
    const event = JSON.parse(line) as { type: string; result?: { verdict: string }; step?: { status?: string; title?: string; detail?: string; diagnosis?: { summary?: string; awsMessage?: string } }; message?: string };
    if (event.type === "result") verdict = event.result?.verdict ?? null;
    if (event.type === "error") problems.push(event.message ?? "error");
    if (event.type === "step" && event.step?.status === "failed") problems.push(`${event.step.title ?? "step"}: ${event.step.diagnosis?.awsMessage ?? event.step.diagnosis?.summary ?? event.step.detail ?? ""}`);
  }
  return { status: response.status, verdict, problems };
}
