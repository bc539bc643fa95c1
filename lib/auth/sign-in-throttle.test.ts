// Password guessing is throttled in Postgres (shared by every portal process)
// without giving anyone a way to lock an owner out: failures count per
// (account, address) and per address; per account across all addresses only
// at a much higher count, answered with growing delays; and a browser that
// signed in to the account before (its device cookie) is not held back by
// failures from elsewhere.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { authenticateUser, signUp } from "@/lib/auth/service";
import { SIGN_IN_ACCOUNT_ADDRESS_LIMIT, SIGN_IN_ACCOUNT_LIMIT, SIGN_IN_ADDRESS_LIMIT, SIGN_IN_DEVICE_LIMIT, ThrottledError } from "@/lib/auth/throttles";
import { useIsolatedDatabase } from "@/test/support/isolated-database";

const PASSWORD = "a long enough passphrase";
const WRONG = "wrong password guess";

async function newUser() {
  const email = `throttle-${randomUUID().slice(0, 8)}@example.com`;
  await signUp({ name: "T", email, password: PASSWORD, teamName: "T" });
  return email;
}

const address = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}-${randomUUID().slice(0, 4)}`;

async function refusal(attempt: Promise<unknown>): Promise<ThrottledError> {
  const error = await attempt.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ThrottledError);
  return error as ThrottledError;
}

/** Fails `count` sign-ins to `email`, a few from each of many addresses (never enough for one address to be refused). */
async function failFromManyAddresses(email: string, count: number) {
  const perAddress = SIGN_IN_ACCOUNT_ADDRESS_LIMIT.limit / 2;
  for (let done = 0; done < count; done += perAddress) {
    const from = address();
    await Promise.all(Array.from({ length: Math.min(perAddress, count - done) }, () => authenticateUser(email, WRONG, from)));
  }
}

beforeAll(async () => {
  await useIsolatedDatabase("sign_in_throttle");
});

describe("sign-in throttling", () => {
  it("refuses the right password from the guessing address, saying when to retry, after too many wrong ones, even when they arrive at once", async () => {
    const email = await newUser();
    const from = address();
    const attempts = await Promise.allSettled(Array.from({ length: 30 }, () => authenticateUser(email, WRONG, from)));
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(SIGN_IN_ACCOUNT_ADDRESS_LIMIT.limit);
    const error = await refusal(authenticateUser(email, PASSWORD, from));
    expect(error.reason).toBe("client");
    expect(error.message).toMatch(/^Too many failed sign-ins\. Try again in \d+ s\.$/);
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_ACCOUNT_ADDRESS_LIMIT.windowSeconds);
  });

  it("does not let one address lock the account: the owner signs in from their own address", async () => {
    const email = await newUser();
    const attacker = address();
    for (let i = 0; i < 20; i++) await authenticateUser(email, WRONG, attacker).catch(() => null);
    await refusal(authenticateUser(email, PASSWORD, attacker));
    expect(await authenticateUser(email, PASSWORD, address())).toMatchObject({ email });
  });

  it("slows an account guessed from many addresses with growing delays, not a lock, and never holds back a browser that signed in before", async () => {
    const email = await newUser();
    const owner = await authenticateUser(email, PASSWORD, address());
    expect(owner?.deviceCookie).toBeTruthy();
    await failFromManyAddresses(email, SIGN_IN_ACCOUNT_LIMIT.limit);
    // A browser the account does not know must wait, and not for long.
    const slowed = await refusal(authenticateUser(email, PASSWORD, address()));
    expect(slowed.reason).toBe("account");
    expect(slowed.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(slowed.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_ACCOUNT_LIMIT.backoff!.maxSeconds);
    // The owner's browser, from any address, signs in at once.
    expect(await authenticateUser(email, PASSWORD, address(), owner!.deviceCookie)).toMatchObject({ email });
  });

  it("counts a browser with a device cookie on its own: its failures throttle only that browser", async () => {
    const email = await newUser();
    const { deviceCookie } = (await authenticateUser(email, PASSWORD, address()))!;
    const from = address();
    for (let i = 0; i < SIGN_IN_DEVICE_LIMIT.limit; i++) expect(await authenticateUser(email, WRONG, from, deviceCookie)).toBeNull();
    expect((await refusal(authenticateUser(email, PASSWORD, from, deviceCookie))).reason).toBe("client");
    // The same address without that cookie, and the account, are not held back.
    expect(await authenticateUser(email, PASSWORD, from)).toMatchObject({ email });
  });

  it("trusts a device cookie only for the account it was issued for, and not once altered", async () => {
    const victim = await newUser();
    const other = await newUser();
    const { deviceCookie } = (await authenticateUser(other, PASSWORD, address()))!;
    const altered = `${deviceCookie.slice(0, -2)}${deviceCookie.endsWith("AA") ? "BB" : "AA"}`;
    await failFromManyAddresses(victim, SIGN_IN_ACCOUNT_LIMIT.limit);
    for (const cookie of [deviceCookie, altered, "garbage", ""]) {
      expect((await refusal(authenticateUser(victim, PASSWORD, address(), cookie))).reason).toBe("account");
    }
  });

  it("counts an unknown email like a known one, so throttling does not reveal which accounts exist, and locks only the guessing address", async () => {
    const email = `nobody-${randomUUID().slice(0, 8)}@example.com`;
    const from = address();
    for (let i = 0; i < SIGN_IN_ACCOUNT_ADDRESS_LIMIT.limit; i++) expect(await authenticateUser(email, "guess guess", from)).toBeNull();
    await expect(authenticateUser(email, "guess guess", from)).rejects.toBeInstanceOf(ThrottledError);
    expect(await authenticateUser(email, "guess guess", address())).toBeNull();
  });

  it("does not count successful sign-ins", async () => {
    const email = await newUser();
    const from = address();
    for (let i = 0; i < SIGN_IN_ACCOUNT_ADDRESS_LIMIT.limit + 5; i++) expect(await authenticateUser(email, PASSWORD, from)).toMatchObject({ email });
  });

  it("throttles one address guessing across many accounts, and not other addresses", async () => {
    const from = address();
    const emails = Array.from({ length: SIGN_IN_ADDRESS_LIMIT.limit }, (_, i) => `spray-${i}-${randomUUID().slice(0, 6)}@example.com`);
    for (const email of emails) expect(await authenticateUser(email, "Summer2026!!", from)).toBeNull();
    const victim = await newUser();
    await expect(authenticateUser(victim, PASSWORD, from)).rejects.toBeInstanceOf(ThrottledError);
    expect(await authenticateUser(victim, PASSWORD, address())).toMatchObject({ email: victim });
  });
});
