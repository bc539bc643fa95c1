// Password guessing is throttled per account and per client address, in
// Postgres (shared by every portal process), and the right password does not
// work while an account is throttled.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { authenticateUser, signUp } from "@/lib/auth/service";
import { SIGN_IN_ACCOUNT_LIMIT, SIGN_IN_ADDRESS_LIMIT, ThrottledError } from "@/lib/auth/throttles";
import { useIsolatedDatabase } from "@/test/support/isolated-database";

const PASSWORD = "a long enough passphrase";

async function newUser() {
  const email = `throttle-${randomUUID().slice(0, 8)}@example.com`;
  await signUp({ name: "T", email, password: PASSWORD, teamName: "T" });
  return email;
}

const address = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}-${randomUUID().slice(0, 4)}`;

beforeAll(async () => {
  await useIsolatedDatabase("sign_in_throttle");
});

describe("sign-in throttling", () => {
  it("refuses the right password, saying when to retry, after too many wrong ones for the account, even when they arrive at once", async () => {
    const email = await newUser();
    const from = address();
    const attempts = await Promise.allSettled(Array.from({ length: 30 }, () => authenticateUser(email, "wrong password guess", from)));
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(SIGN_IN_ACCOUNT_LIMIT.limit);
    const error = await authenticateUser(email, PASSWORD, address()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).message).toMatch(/^Too many failed sign-ins\. Try again in \d+ s\.$/);
    expect((error as ThrottledError).retryAfterSeconds).toBeGreaterThan(0);
    expect((error as ThrottledError).retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_ACCOUNT_LIMIT.windowSeconds);
  });

  it("counts an unknown email like a known one, so throttling does not reveal which accounts exist", async () => {
    const email = `nobody-${randomUUID().slice(0, 8)}@example.com`;
    for (let i = 0; i < SIGN_IN_ACCOUNT_LIMIT.limit; i++) expect(await authenticateUser(email, "guess guess", address())).toBeNull();
    await expect(authenticateUser(email, "guess guess", address())).rejects.toBeInstanceOf(ThrottledError);
  });

  it("does not count successful sign-ins", async () => {
    const email = await newUser();
    const from = address();
    for (let i = 0; i < SIGN_IN_ACCOUNT_LIMIT.limit + 5; i++) expect(await authenticateUser(email, PASSWORD, from)).toMatchObject({ email });
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
