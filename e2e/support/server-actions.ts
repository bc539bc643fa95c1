// Records the server-action requests a page makes, so a spec can replay one
// with another user's cookies: the way an attacker calls an action directly.
import type { APIRequestContext, Page, Request } from "@playwright/test";

export interface RecordedAction {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export function recordServerActions(page: Page): RecordedAction[] {
  const recorded: RecordedAction[] = [];
  page.on("request", (request: Request) => {
    const headers = request.headers();
    if (request.method() === "POST" && headers["next-action"]) {
      recorded.push({ url: request.url(), headers, body: request.postData() ?? "" });
    }
  });
  return recorded;
}

/** Replays a recorded action as `as`; `rewrite` may change the arguments. Returns the response text. */
export async function replayServerAction(as: APIRequestContext, action: RecordedAction, rewrite: (body: string) => string = (body) => body): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  for (const name of ["next-action", "content-type", "accept", "next-router-state-tree"]) {
    if (action.headers[name]) headers[name] = action.headers[name]!;
  }
  const response = await as.post(action.url, { headers, data: rewrite(action.body) });
  return { status: response.status(), text: await response.text() };
}
