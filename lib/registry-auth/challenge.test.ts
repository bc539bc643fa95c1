import { describe, expect, it } from "vitest";
import { parseWwwAuthenticate } from "@/lib/registry-auth/challenge";

describe("parseWwwAuthenticate", () => {
  it("reads a distribution registry's Bearer challenge", () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"')).toEqual([
      { scheme: "bearer", realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/nginx:pull" },
    ]);
  });

  it("reads the error of an insufficient-scope answer", () => {
    expect(parseWwwAuthenticate('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull",error="insufficient_scope"')[0]).toMatchObject({ error: "insufficient_scope" });
  });

  it("reads Basic, with or without a realm, case-insensitively", () => {
    expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual([{ scheme: "basic", realm: "Registry Realm" }]);
    expect(parseWwwAuthenticate("basic")).toEqual([{ scheme: "basic" }]);
  });

  it("puts Bearer first when a header offers both", () => {
    expect(parseWwwAuthenticate('Basic realm="x", Bearer realm="https://r.example/token",service="r"').map((c) => c.scheme)).toEqual(["bearer", "basic"]);
  });

  it("unescapes quoted values, keeps commas and equals signs inside quotes, and accepts unquoted tokens", () => {
    expect(parseWwwAuthenticate('Bearer realm="https://r.example/t?a=1,b=2",service=registry.example,scope="repository:a\\"b:pull"')).toEqual([
      { scheme: "bearer", realm: "https://r.example/t?a=1,b=2", service: "registry.example", scope: 'repository:a"b:pull' },
    ]);
  });

  it("leaves out a Bearer challenge without a realm and unknown schemes", () => {
    expect(parseWwwAuthenticate('Bearer service="x"')).toEqual([]);
    expect(parseWwwAuthenticate('Negotiate abc, Digest realm="x"')).toEqual([]);
    expect(parseWwwAuthenticate("")).toEqual([]);
    expect(parseWwwAuthenticate(null)).toEqual([]);
  });
});
