import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { parseProxyRepository, parseUpstreamImageReference, proxyHost, toProxyReference } from "@/lib/proxy/proxy-reference";

const HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("toProxyReference", () => {
  it("rewrites a tagged ECR reference into the proxy scheme", () => {
    const result = toProxyReference(`${HOST}/vendor/app:1.0`, "my-app", "portal.example.com");
    expect(result).toMatchObject({ ok: true, value: { reference: `portal.example.com/proxy/my-app/${HOST}/vendor/app:1.0`, defaultedToLatest: false } });
  });

  it("keeps a digest reference as a digest", () => {
    const result = toProxyReference(`${HOST}/vendor/app@${DIGEST}`, "my-app", "portal.example.com:8443");
    expect(result.ok && result.value.reference).toBe(`portal.example.com:8443/proxy/my-app/${HOST}/vendor/app@${DIGEST}`);
  });

  it("keeps the digest and drops the tag when both are given, and says so", () => {
    const result = toProxyReference(`${HOST}/vendor/app:1.0@${DIGEST}`, "a", "h.example");
    expect(result).toMatchObject({ ok: true, value: { reference: `h.example/proxy/a/${HOST}/vendor/app@${DIGEST}`, droppedTag: true } });
  });

  it("adds :latest when no tag is given, as docker would, and says so", () => {
    const result = toProxyReference(`${HOST}/app`, "a", "h.example");
    expect(result).toMatchObject({ ok: true, value: { reference: `h.example/proxy/a/${HOST}/app:latest`, defaultedToLatest: true } });
  });

  it("accepts a pasted docker pull command, docker:// and https:// prefixes, and an upper-case hostname", () => {
    for (const input of [`docker pull ${HOST}/app:1`, `docker://${HOST}/app:1`, `https://${HOST.toUpperCase()}/app:1`, `  ${HOST}/app:1  `]) {
      expect(toProxyReference(input, "a", "h.example")).toMatchObject({ ok: true, value: { reference: `h.example/proxy/a/${HOST}/app:1` } });
    }
  });

  it("uses the configured proxy host by default", () => {
    process.env.PROXY_URL = "https://registry.vendor.example:8443/";
    resetEnvCache();
    expect(proxyHost()).toBe("registry.vendor.example:8443");
    expect(toProxyReference(`${HOST}/app:1`, "a")).toMatchObject({ ok: true, value: { reference: `registry.vendor.example:8443/proxy/a/${HOST}/app:1` } });
  });

  it("falls back to APP_URL's host when PROXY_URL is not set", () => {
    delete process.env.PROXY_URL;
    process.env.APP_URL = "https://portal.vendor.example";
    resetEnvCache();
    expect(proxyHost()).toBe("portal.vendor.example");
  });

  afterEach(() => {
    delete process.env.PROXY_URL;
    delete process.env.APP_URL;
    resetEnvCache();
  });
});

describe("parseUpstreamImageReference refuses with a message that says what to do", () => {
  const cases: [string, RegExp][] = [
    ["", /Paste an image reference/],
    ["nginx:1.0", /Include the registry hostname/],
    ["vendor/app:1.0", /"vendor" is not a registry hostname/],
    [`${HOST}:99999/app:1`, /invalid port/],
    [`${HOST}:https/app:1`, /invalid port/],
    [`${HOST}/Vendor/app:1`, /lower-case; "Vendor" has capitals/],
    [`${HOST}/app:-bad`, /not a valid tag/],
    [`${HOST}/app@sha256:abc`, /64 lower-case hexadecimal/],
    [`${HOST}/app@nodigest`, /is not a digest/],
    [`${HOST}/`, /Add the repository/],
    [`${HOST}/a//b:1`, /"\(empty\)" is not a valid repository path component/],
    [`${HOST}/app name:1`, /no spaces/],
    [`1234567890l2.dkr.ecr.us-east-1.amazonaws.com/app:1`.replace("l", "\u217c"), /non-ASCII/],
    ["bad_host.example/app:1", /not a valid hostname/],
  ];
  for (const [input, message] of cases) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      const result = parseUpstreamImageReference(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(message);
    });
  }

  it("refuses a proxied name longer than registries accept", () => {
    const result = toProxyReference(`${HOST}/${"a".repeat(240)}:1`, "a", "h.example");
    expect(result).toMatchObject({ ok: false });
  });
});

describe("parseProxyRepository", () => {
  it("splits a proxy repository name into application, upstream host and repository", () => {
    expect(parseProxyRepository(`proxy/my-app/${HOST}/vendor/team/api`)).toEqual({ appSlug: "my-app", upstreamHostname: HOST, repository: "vendor/team/api" });
  });

  it("is the inverse of toProxyReference", () => {
    const result = toProxyReference(`${HOST}/a.b/c__d/e-f:1`, "app-1", "h.example");
    if (!result.ok) throw new Error(result.message);
    const name = result.value.reference.slice("h.example/".length).replace(/:1$/, "");
    expect(parseProxyRepository(name)).toEqual({ appSlug: "app-1", upstreamHostname: HOST, repository: "a.b/c__d/e-f" });
  });

  it("carries a port other than 443 after an underscore, both ways, and drops 443 as registries are stored", () => {
    const ported = toProxyReference("registry.vendor.example:5000/team/api:2.0", "my-app", "h.example");
    expect(ported).toMatchObject({ ok: true, value: { reference: "h.example/proxy/my-app/registry.vendor.example_5000/team/api:2.0", upstream: { hostname: "registry.vendor.example:5000" } } });
    expect(parseProxyRepository("proxy/my-app/registry.vendor.example_5000/team/api")).toEqual({ appSlug: "my-app", upstreamHostname: "registry.vendor.example:5000", repository: "team/api" });
    expect(toProxyReference("registry.vendor.example:443/team/api:2.0", "my-app", "h.example")).toMatchObject({ ok: true, value: { reference: "h.example/proxy/my-app/registry.vendor.example/team/api:2.0" } });
  });

  it("returns null for names outside the scheme", () => {
    for (const name of [
      "library/nginx",
      `proxy/my-app/${HOST}`,
      `mirror/my-app/${HOST}/app`,
      `proxy/My-App/${HOST}/app`,
      `proxy/my-app/localhost/app`,
      `proxy/my-app/${HOST}:443/app`,
      `proxy/my-app/${HOST}_443/app`,
      `proxy/my-app/${HOST}_0/app`,
      `proxy/my-app/${HOST}_70000/app`,
      `proxy/my-app/${HOST}_5000_1/app`,
      `proxy/my-app/${HOST}/../app`,
      `proxy/my-app/${HOST}/app/`,
      `proxy/my-app/${HOST}/App`,
      `proxy/-app/${HOST}/app`,
      `proxy/my-app/${HOST}/${"a".repeat(250)}`,
    ]) {
      expect(parseProxyRepository(name), name).toBeNull();
    }
  });
});
