import { describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, clientAddressFromHeaders, resolveClientAddress, stampClientAddress } from "@/lib/http/client-address";

describe("resolveClientAddress", () => {
  it("uses the socket's address and ignores X-Forwarded-For unless proxies are trusted", () => {
    expect(resolveClientAddress("203.0.113.9", "198.51.100.1", 0)).toBe("203.0.113.9");
    expect(resolveClientAddress("::ffff:203.0.113.9", undefined, 0)).toBe("203.0.113.9");
  });

  it("behind N trusted proxies takes the address N entries from the right, never one the client wrote", () => {
    // The client wrote "1.1.1.1"; the one proxy appended the client's real address.
    expect(resolveClientAddress("10.0.0.2", "1.1.1.1, 203.0.113.7", 1)).toBe("203.0.113.7");
    expect(resolveClientAddress("10.0.0.2", ["1.1.1.1, 203.0.113.7", "10.0.0.1"], 2)).toBe("203.0.113.7");
  });

  it("falls back to the socket when the header is missing, short or not an address", () => {
    expect(resolveClientAddress("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.0.0.2", "203.0.113.7", 2)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.0.0.2", "not-an-address", 1)).toBe("10.0.0.2");
  });
});

describe("stampClientAddress", () => {
  it("overwrites a client-sent address header", () => {
    const headers: Record<string, string | string[] | undefined> = { [CLIENT_ADDRESS_HEADER]: "6.6.6.6" };
    stampClientAddress(headers, "203.0.113.9", 0);
    expect(headers[CLIENT_ADDRESS_HEADER]).toBe("203.0.113.9");
    expect(clientAddressFromHeaders(new Headers(headers as Record<string, string>))).toBe("203.0.113.9");
  });
});
