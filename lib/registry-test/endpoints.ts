// Where a registry test sends its requests. By default: AWS's regional STS and
// ECR endpoints for the validated hostname's region and partition (the SDK
// resolves them), and https://<hostname> for the registry. Overrides exist for
// private networks (VPC endpoints) and for the local AWS in tests; a hostname
// typed by a user is never used unless it passed validation.

import type { ParseResult } from "@/lib/parse-result";

export interface RegistryEndpointOverride {
  /** An exact registry hostname (with :port when it has one), or "*" for every registry. */
  hostname: string;
  /** Base URL; "{hostname}" is replaced by the registry's hostname. */
  baseUrl: string;
}

export interface TestEndpoints {
  /** STS endpoint URL; undefined lets the SDK pick the regional endpoint. */
  sts?: string;
  /** ECR API endpoint URL; undefined lets the SDK pick the regional endpoint. */
  ecr?: string;
  registryOverrides: RegistryEndpointOverride[];
}

const OVERRIDES_EXAMPLE = "must be a comma-separated list of <hostname or *>=<http(s) base URL>, e.g. *=https://vpce.example.internal/{hostname}";

/** Parses REGISTRY_ENDPOINT_OVERRIDES; the message names what is expected. */
export function parseRegistryEndpointOverrides(value: string | undefined): ParseResult<RegistryEndpointOverride[]> {
  if (!value || value.trim() === "") return { ok: true, value: [] };
  const overrides: RegistryEndpointOverride[] = [];
  for (const entry of value.split(",").map((part) => part.trim()).filter(Boolean)) {
    const separator = entry.indexOf("=");
    if (separator <= 0) return { ok: false, message: `${OVERRIDES_EXAMPLE} ("${entry}" has no "=")` };
    const hostname = entry.slice(0, separator).trim().toLowerCase();
    const baseUrl = entry.slice(separator + 1).trim().replace(/\/+$/, "");
    if (hostname !== "*" && !/^[a-z0-9.-]+(?::\d{1,5})?$/.test(hostname)) return { ok: false, message: `${OVERRIDES_EXAMPLE} ("${hostname}" is not a hostname)` };
    let parsed: URL;
    try {
      parsed = new URL(baseUrl.replaceAll("{hostname}", "placeholder"));
    } catch {
      return { ok: false, message: `${OVERRIDES_EXAMPLE} ("${baseUrl}" is not a URL)` };
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return { ok: false, message: `${OVERRIDES_EXAMPLE} ("${baseUrl}" is not http(s))` };
    overrides.push({ hostname, baseUrl });
  }
  return { ok: true, value: overrides };
}

/** The base URL of a validated registry hostname's OCI endpoint (no trailing slash). */
export function registryBaseUrl(validatedHostname: string, overrides: RegistryEndpointOverride[]): string {
  const override = overrides.find((o) => o.hostname === validatedHostname) ?? overrides.find((o) => o.hostname === "*");
  if (!override) return `https://${validatedHostname}`;
  return override.baseUrl.replaceAll("{hostname}", validatedHostname);
}
