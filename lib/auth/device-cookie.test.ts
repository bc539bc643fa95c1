import { describe, expect, it } from "vitest";
import { DEVICE_COOKIE_LIFETIME_SECONDS, deviceCookieAfterSignIn, trustedDeviceFor } from "@/lib/auth/device-cookie";

const NOW = new Date("2030-06-01T12:00:00Z");

describe("the sign-in device cookie", () => {
  it("proves a past sign-in to the account it names, with the same device ID when renewed", () => {
    const first = deviceCookieAfterSignIn(undefined, "user1", NOW);
    const device = trustedDeviceFor(first, "user1", NOW);
    expect(device).toMatchObject({ userId: "user1" });
    const renewed = deviceCookieAfterSignIn(first, "user1", new Date(NOW.getTime() + 1000));
    expect(trustedDeviceFor(renewed, "user1", NOW)).toEqual(device);
  });

  it("is not trusted for another account", () => {
    expect(trustedDeviceFor(deviceCookieAfterSignIn(undefined, "user1", NOW), "user2", NOW)).toBeNull();
  });

  it("keeps the entries of the other accounts signed in from the same browser", () => {
    const both = deviceCookieAfterSignIn(deviceCookieAfterSignIn(undefined, "user1", NOW), "user2", NOW);
    expect(trustedDeviceFor(both, "user1", NOW)).not.toBeNull();
    expect(trustedDeviceFor(both, "user2", NOW)).not.toBeNull();
  });

  it("is not trusted once any part is altered", () => {
    const cookie = deviceCookieAfterSignIn(undefined, "user1", NOW);
    const [userId, deviceId, expires, mac] = cookie.split(".") as [string, string, string, string];
    const flip = (text: string, index: number) => `${text.slice(0, index)}${text[index] === "A" ? "B" : "A"}${text.slice(index + 1)}`;
    for (const altered of [
      `user2.${deviceId}.${expires}.${mac}`,
      `${userId}.${flip(deviceId, 0)}.${expires}.${mac}`,
      `${userId}.${deviceId}.${Number(expires) + 1000}.${mac}`,
      `${userId}.${deviceId}.${expires}.${flip(mac, 0)}`,
    ]) {
      expect(trustedDeviceFor(altered, "user1", NOW)).toBeNull();
      expect(trustedDeviceFor(altered, "user2", NOW)).toBeNull();
    }
  });

  it("expires", () => {
    const cookie = deviceCookieAfterSignIn(undefined, "user1", NOW);
    expect(trustedDeviceFor(cookie, "user1", new Date(NOW.getTime() + DEVICE_COOKIE_LIFETIME_SECONDS * 1000 - 1000))).not.toBeNull();
    expect(trustedDeviceFor(cookie, "user1", new Date(NOW.getTime() + DEVICE_COOKIE_LIFETIME_SECONDS * 1000))).toBeNull();
  });

  it("ignores malformed values", () => {
    for (const value of [undefined, "", "garbage", "a.b.c.d", "~~~", "x".repeat(5000)]) expect(trustedDeviceFor(value, "user1", NOW)).toBeNull();
  });
});
