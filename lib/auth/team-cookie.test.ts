import { afterEach, describe, expect, it } from "vitest";
import { teamCookieOptions } from "@/lib/auth/session";
import { resetEnvCache } from "@/lib/env";

const appUrl = process.env.APP_URL;
afterEach(() => {
  process.env.APP_URL = appUrl;
  resetEnvCache();
});

describe("the team cookie", () => {
  it("is Secure when the portal is served over https", () => {
    process.env.APP_URL = "https://portal.example.com";
    resetEnvCache();
    expect(teamCookieOptions()).toEqual({ httpOnly: true, sameSite: "lax", path: "/", secure: true });
  });

  it("is not Secure over plain http (a browser would drop it)", () => {
    process.env.APP_URL = "http://localhost:3000";
    resetEnvCache();
    expect(teamCookieOptions()).toMatchObject({ httpOnly: true, secure: false });
  });
});
