import { describe, expect, it } from "vitest";
import { describeSignInError, SIGN_IN_ERROR } from "@/lib/auth/sign-in-error";
import { withThrottledStatus } from "@/lib/auth/sign-in-response";

const refused = (code: string) => Response.json({ url: `http://portal.test/api/auth/error?error=${encodeURIComponent(code)}` }, { status: 401 });

describe("a refused credentials sign-in", () => {
  it("is a 429 with Retry-After when throttled, with next-auth's body kept for its client", async () => {
    for (const reason of ["client", "account"] as const) {
      const response = await withThrottledStatus(refused(SIGN_IN_ERROR.throttled(42, reason)));
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("42");
      expect(new URL(((await response.json()) as { url: string }).url).searchParams.get("error")).toBe(SIGN_IN_ERROR.throttled(42, reason));
    }
  });

  it("stays a 401 for a wrong password, and other answers are untouched", async () => {
    expect((await withThrottledStatus(refused(SIGN_IN_ERROR.wrongCredentials))).status).toBe(401);
    const ok = Response.json({ url: "http://portal.test/apps" });
    expect(await withThrottledStatus(ok)).toBe(ok);
  });

  it("tells the user which limit applies and when to retry", () => {
    expect(describeSignInError(SIGN_IN_ERROR.throttled(45))).toBe("Too many failed sign-ins from this browser or network. Try again in 45 s.");
    expect(describeSignInError(SIGN_IN_ERROR.throttled(890))).toBe("Too many failed sign-ins from this browser or network. Try again in 15 min.");
    expect(describeSignInError(SIGN_IN_ERROR.throttled(8, "account"))).toMatch(/slowed down\. Try again in 8 s\. A browser you have signed in with before is not affected\.$/);
  });
});
