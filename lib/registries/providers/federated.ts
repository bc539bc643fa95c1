// The keyless auth type ("federated") as every provider offers it: the same
// label, shown first and marked recommended; the fields are the provider's.
// Pure. See docs/providers.md for how a provider plugs its federation in.
import type { AuthTypeSpec, FieldSpec } from "@/lib/registries/providers/types";

export const FEDERATED_LABEL = "Keyless (the portal's identity)";

export function federatedAuthType(input: { hint: string; fields: FieldSpec[] }): AuthTypeSpec {
  return { id: "federated", label: FEDERATED_LABEL, hint: input.hint, fields: input.fields, recommended: true };
}

/** JSON as the setup guides show it: two-space indentation, the way the clouds' docs print it. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** The local endpoint that replaces `host`, if the portal runs against a stand-in for it. */
export function localEndpoint(localEndpoints: Record<string, string>, host: string): string | null {
  return localEndpoints[host] ?? null;
}
