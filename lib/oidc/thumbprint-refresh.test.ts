// The portal-wide thumbprint refresh is an operator action, at most once a
// minute for the whole portal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ThrottledError } from "@/lib/auth/throttles";
import { resetEnvCache } from "@/lib/env";
import { refreshIssuerThumbprint } from "@/lib/oidc/thumbprint-refresh";
import { useIsolatedDatabase } from "@/test/support/isolated-database";

beforeAll(async () => {
  await useIsolatedDatabase("thumbprint_refresh");
  process.env.OPERATOR_EMAILS = "ops@example.com, Second-Ops@Example.com";
  resetEnvCache();
});

afterAll(() => {
  delete process.env.OPERATOR_EMAILS;
  resetEnvCache();
});

describe("refreshIssuerThumbprint", () => {
  it("refuses a team admin who is not a portal operator", async () => {
    await expect(refreshIssuerThumbprint("team-admin@example.com")).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/operators/) });
  });

  it("lets an operator recompute once a minute for the whole portal, then says when to retry", async () => {
    const now = new Date();
    expect(await refreshIssuerThumbprint("ops@example.com", now)).toMatchObject({ kind: "not-applicable" });
    const error = await refreshIssuerThumbprint("second-ops@example.com", new Date(now.getTime() + 10_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).message).toMatch(/Try again in 50 s\.$/);
    expect(await refreshIssuerThumbprint("ops@example.com", new Date(now.getTime() + 61_000))).toMatchObject({ kind: "not-applicable" });
  });
});
