import { execFileSync, spawn } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeTlsThumbprint, createThumbprintCache } from "@/lib/oidc/thumbprint";

// Certificates are generated for this run with the openssl command line.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thumbprint-"));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });

function selfSigned(name: string, subject: string) {
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", file(`${name}.key`), "-out", file(`${name}.pem`), "-days", "2", "-subj", `/CN=${subject}`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "subjectAltName=DNS:localhost");
}

function issued(name: string, subject: string, issuer: string, ca: boolean) {
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", file(`${name}.key`), "-out", file(`${name}.csr`), "-subj", `/CN=${subject}`);
  fs.writeFileSync(file(`${name}.ext`), ca ? "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n" : "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  openssl("x509", "-req", "-in", file(`${name}.csr`), "-CA", file(`${issuer}.pem`), "-CAkey", file(`${issuer}.key`), "-CAcreateserial", "-out", file(`${name}.pem`), "-days", "2", "-extfile", file(`${name}.ext`));
}

const pem = (name: string) => fs.readFileSync(file(`${name}.pem`), "utf8");
const sha1 = (name: string) => createHash("sha1").update(new X509Certificate(pem(name)).raw).digest("hex");

const servers: tls.Server[] = [];
async function serve(key: string, chain: string[]): Promise<number> {
  const server = tls.createServer({ key: fs.readFileSync(file(`${key}.key`)), cert: chain.map(pem).join("") }, (socket) => socket.end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

// Asynchronous: the TLS server runs in this same process and must keep answering.
async function lastCertificateShownByOpenssl(port: number): Promise<string> {
  const child = spawn("openssl", ["s_client", "-showcerts", "-connect", `127.0.0.1:${port}`, "-servername", "localhost"]);
  child.stdin.end();
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await new Promise((resolve) => child.on("close", resolve));
  const blocks = output.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return createHash("sha1").update(new X509Certificate(blocks[blocks.length - 1]!).raw).digest("hex");
}

beforeAll(() => {
  selfSigned("root", "Test Root");
  issued("int1", "Test Intermediate 1", "root", true);
  issued("int2", "Test Intermediate 2", "int1", true);
  issued("leaf1", "localhost", "int1", false);
  issued("leaf2", "localhost", "int2", false);
  selfSigned("self", "localhost");
});

afterAll(() => {
  for (const server of servers) server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("TLS thumbprint as AWS computes it", () => {
  it("takes the intermediate when the server sends leaf and intermediate, not the root it did not send", async () => {
    const port = await serve("leaf1", ["leaf1", "int1"]);
    const result = await computeTlsThumbprint(`https://localhost:${port}/oidc/jwks`);
    expect(result).toMatchObject({ kind: "computed", thumbprint: sha1("int1"), chainLength: 2 });
    expect(result.kind === "computed" && result.thumbprint).toMatch(/^[0-9a-f]{40}$/);
    expect(await lastCertificateShownByOpenssl(port)).toBe(sha1("int1"));
  });

  it("ignores a root in the local trust store, which Node's own chain walk would append", async () => {
    const port = await serve("leaf1", ["leaf1", "int1"]);
    const naive = await new Promise<string>((resolve) => {
      const socket = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ca: [pem("root")] }, () => {
        let certificate = socket.getPeerCertificate(true);
        while (certificate.issuerCertificate && certificate.issuerCertificate !== certificate) certificate = certificate.issuerCertificate;
        socket.destroy();
        resolve(createHash("sha1").update(certificate.raw).digest("hex"));
      });
    });
    expect(naive).toBe(sha1("root"));
    const result = await computeTlsThumbprint(`https://localhost:${port}`);
    expect(result.kind === "computed" && result.thumbprint).toBe(sha1("int1"));
  });

  it("takes the top intermediate when the server sends two", async () => {
    const port = await serve("leaf2", ["leaf2", "int2", "int1"]);
    const result = await computeTlsThumbprint(`https://localhost:${port}`);
    expect(result).toMatchObject({ kind: "computed", thumbprint: sha1("int1"), chainLength: 3 });
    expect(await lastCertificateShownByOpenssl(port)).toBe(sha1("int1"));
  });

  it("takes the leaf itself when the server sends only a self-signed certificate", async () => {
    const port = await serve("self", ["self"]);
    const result = await computeTlsThumbprint(`https://localhost:${port}`);
    expect(result).toMatchObject({ kind: "computed", thumbprint: sha1("self"), chainLength: 1 });
    expect(await lastCertificateShownByOpenssl(port)).toBe(sha1("self"));
  });

  it("says no thumbprint applies to an http issuer", async () => {
    expect(await computeTlsThumbprint("http://localhost:3000/oidc")).toMatchObject({ kind: "not-applicable", reason: expect.stringContaining("http://") });
  });

  it("gives up with a clear error when the server never completes the handshake", async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const started = Date.now();
    await expect(computeTlsThumbprint(`https://localhost:${port}`, { timeoutMs: 300 })).rejects.toThrow(/within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
    silent.close();
  });

  it("caches for the TTL and recomputes on demand", async () => {
    const port = await serve("leaf1", ["leaf1", "int1"]);
    let clock = 0;
    const cache = createThumbprintCache({ ttlMs: 1000, now: () => clock });
    const first = cache.get(`https://localhost:${port}`);
    expect(cache.get(`https://localhost:${port}`)).toBe(first);
    clock = 2000;
    expect(cache.get(`https://localhost:${port}`)).not.toBe(first);
    expect(cache.refresh(`https://localhost:${port}`)).not.toBe(first);
    expect(await first).toMatchObject({ thumbprint: sha1("int1") });
  });

  it("remembers a failed lookup for a minute instead of connecting again for every page", async () => {
    let connections = 0;
    const silent = net.createServer(() => {
      connections++;
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const url = `https://localhost:${(silent.address() as net.AddressInfo).port}`;
    let clock = 0;
    const cache = createThumbprintCache({ timeoutMs: 200, failureTtlMs: 60_000, now: () => clock });
    await expect(cache.get(url)).rejects.toThrow(/within 200 ms/);
    clock = 30_000;
    const started = Date.now();
    await expect(cache.get(url)).rejects.toThrow(/within 200 ms/);
    expect(Date.now() - started).toBeLessThan(150);
    expect(connections).toBe(1);
    clock = 61_000;
    await expect(cache.get(url)).rejects.toThrow(/within 200 ms/);
    expect(connections).toBe(2);
    silent.close();
  });
});
