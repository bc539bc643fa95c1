// The hostname rules every non-ECR provider shares: a DNS name (or an IPv4
// address) with an optional port, no scheme, user, path or look-alike
// characters. Pure. Whether the address may be reached is decided at
// connection time (public addresses only, unless the operator overrides it).
import type { ParseResult } from "@/lib/parse-result";

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function parseRegistryHostname(input: string, example: string, options: { allowPort: boolean } = { allowPort: true }): ParseResult<string> {
  let value = input.trim();
  const expected = `Enter a registry hostname like ${example} (no https://, user or path)`;
  if (value.length === 0) return fail(`${expected}.`);
  if (value.length > 253) return fail(`That is too long for a hostname. ${expected}.`);
  if (/[^\x21-\x7e]/.test(value)) return fail(`The hostname contains spaces or non-ASCII characters (look-alike letters are not accepted). ${expected}.`);
  value = value.replace(/^https?:\/\//i, "").replace(/\/+$/, "");
  if (value.includes("@")) return fail(`Remove the user name: the hostname must not contain "@". ${expected}.`);
  if (value.includes("/")) return fail(`Remove the path: enter only the registry hostname, without /repository. ${expected}.`);
  if (value.startsWith("[")) return fail(`IPv6 addresses are not accepted; use the registry's DNS name. ${expected}.`);
  value = value.toLowerCase();
  let host = value;
  const colon = value.lastIndexOf(":");
  if (colon >= 0) {
    const port = value.slice(colon + 1);
    host = value.slice(0, colon);
    if (!options.allowPort) return fail(`Remove the port: this registry is always on port 443. ${expected}.`);
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return fail(`The port must be a number from 1 to 65535. ${expected}.`);
    if (port === "443") value = host;
  }
  if (host.endsWith(".")) return fail(`Remove the trailing dot. ${expected}.`);
  const labels = host.split(".");
  if (labels.some((label) => !LABEL.test(label))) return fail(`"${host}" is not a valid hostname: use letters, digits, dots and dashes. ${expected}.`);
  if (labels.some((label) => label.startsWith("xn--"))) return fail(`Internationalised (punycode) names are not accepted. ${expected}.`);
  return { ok: true, value };
}

/** The hostname without its port. */
export function hostWithoutPort(hostname: string): string {
  const colon = hostname.lastIndexOf(":");
  return colon >= 0 ? hostname.slice(0, colon) : hostname;
}

export function fail(message: string): ParseResult<never> {
  return { ok: false, message };
}
