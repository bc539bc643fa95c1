import { describe, expect, it } from "vitest";
import { CallTimeoutError } from "@/lib/registry-test/failure";
import { withCallLimits } from "@/lib/registry-test/limits";

const named = (name: string) => Object.assign(new Error(name), { name });
const noSleep = async () => {};

describe("withCallLimits", () => {
  it("retries throttling and IDPCommunicationError, then succeeds", async () => {
    let calls = 0;
    const value = await withCallLimits({ callTimeoutMs: 1000, deadline: new AbortController().signal, sleep: noSleep }, async () => {
      calls++;
      if (calls === 1) throw named("IDPCommunicationErrorException");
      if (calls === 2) throw named("ThrottlingException");
      return "ok";
    });
    expect(value).toBe("ok");
    expect(calls).toBe(3);
  });

  it("does not retry other errors", async () => {
    let calls = 0;
    await expect(
      withCallLimits({ callTimeoutMs: 1000, deadline: new AbortController().signal, sleep: noSleep }, async () => {
        calls++;
        throw named("AccessDenied");
      }),
    ).rejects.toThrow("AccessDenied");
    expect(calls).toBe(1);
  });

  it("gives up after three attempts", async () => {
    let calls = 0;
    await expect(
      withCallLimits({ callTimeoutMs: 1000, deadline: new AbortController().signal, sleep: noSleep }, async () => {
        calls++;
        throw named("Throttling");
      }),
    ).rejects.toThrow("Throttling");
    expect(calls).toBe(3);
  });

  it("aborts a call that does not answer in time", async () => {
    const error = await withCallLimits({ callTimeoutMs: 50, deadline: new AbortController().signal }, (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallTimeoutError);
  });

  it("stops every call when the whole test runs out of time, and says so", async () => {
    const deadline = new AbortController();
    setTimeout(() => deadline.abort(), 30);
    const error = await withCallLimits({ callTimeoutMs: 10_000, deadline: deadline.signal }, (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(error).toMatchObject({ wholeTest: true, seconds: 30 });
  });
});
