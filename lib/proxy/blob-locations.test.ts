import { describe, expect, it } from "vitest";
import { BLOB_LOCATION_REUSE_MS, forgetBlobLocation, knownBlobLocation, rememberBlobLocation, signedUrlExpiry } from "@/lib/proxy/blob-locations";

const key = { registryId: "r1", version: "v1", repository: "vendor/app", digest: `sha256:${"a".repeat(64)}` };
const signedAt = Date.UTC(2026, 10, 25, 20, 0, 0);
const sigv4 = (expires: number) => new URL(`https://bucket.s3.amazonaws.com/layer?X-Amz-Date=20261125T200000Z&X-Amz-Expires=${expires}&X-Amz-Signature=abc`);

describe("signedUrlExpiry", () => {
  it("reads SigV4 query signing and CloudFront's Expires, and nothing else", () => {
    expect(signedUrlExpiry(sigv4(3600))).toBe(signedAt + 3_600_000);
    expect(signedUrlExpiry(new URL("https://d111.cloudfront.net/layer?Expires=1795636800&Signature=x"))).toBe(1_795_636_800_000);
    expect(signedUrlExpiry(new URL("https://bucket.s3.amazonaws.com/layer"))).toBeNull();
    expect(signedUrlExpiry(new URL("https://bucket.s3.amazonaws.com/layer?X-Amz-Date=yesterday&X-Amz-Expires=60"))).toBeNull();
  });
});

describe("known blob locations", () => {
  it("reuses a location for at most five minutes and never within a minute of its expiry", () => {
    rememberBlobLocation(key, sigv4(3600), signedAt);
    expect(knownBlobLocation(key, signedAt + BLOB_LOCATION_REUSE_MS - 1)?.toString()).toBe(sigv4(3600).toString());
    expect(knownBlobLocation(key, signedAt + BLOB_LOCATION_REUSE_MS)).toBeNull();

    rememberBlobLocation(key, sigv4(120), signedAt);
    expect(knownBlobLocation(key, signedAt + 59_000)).not.toBeNull();
    expect(knownBlobLocation(key, signedAt + 60_000)).toBeNull();
    // Expiring within the margin, or saying nothing about its expiry: not kept.
    rememberBlobLocation(key, sigv4(60), signedAt);
    expect(knownBlobLocation(key, signedAt)).toBeNull();
    rememberBlobLocation(key, new URL("https://bucket.s3.amazonaws.com/layer"), signedAt);
    expect(knownBlobLocation(key, signedAt)).toBeNull();
  });

  it("keeps locations apart per registry version and repository, and forgets one on request", () => {
    rememberBlobLocation(key, sigv4(3600), signedAt);
    expect(knownBlobLocation({ ...key, version: "v2" }, signedAt)).toBeNull();
    expect(knownBlobLocation({ ...key, repository: "vendor/other" }, signedAt)).toBeNull();
    forgetBlobLocation(key);
    expect(knownBlobLocation(key, signedAt)).toBeNull();
  });
});
