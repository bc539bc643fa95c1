import { describe, expect, it } from "vitest";
import { parseDuration, parseRotateArguments } from "@/lib/oidc/rotation-options";

describe("oidc:rotate arguments", () => {
  it("reads durations in ms, s, m and h, seconds by default", () => {
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("90")).toBe(90_000);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration("five")).toBeNull();
  });

  it("defaults to a scheduled rotation with a 5 minute overlap and a 5 second wait", () => {
    expect(parseRotateArguments([])).toEqual({ ok: true, options: { mode: "rotate", overlapMs: 300_000, waitMs: 5000 } });
  });

  it("takes --next-now with an overlap, and refuses an overlap without it", () => {
    expect(parseRotateArguments(["--next-now", "--overlap=20s"])).toMatchObject({ ok: true, options: { mode: "next-now", overlapMs: 20_000 } });
    expect(parseRotateArguments(["--overlap=20s"])).toEqual({ ok: false, message: "--overlap only applies to --next-now." });
  });

  it("refuses two modes, unknown options and a bad duration, naming what to do", () => {
    expect(parseRotateArguments(["--emergency", "--next-now"])).toEqual({ ok: false, message: "Choose one of --next-now and --emergency." });
    expect(parseRotateArguments(["--emergancy"])).toEqual({ ok: false, message: "Unknown option --emergancy." });
    expect(parseRotateArguments(["--wait=soon"])).toMatchObject({ ok: false, message: expect.stringContaining("--wait=5m") });
  });
});
