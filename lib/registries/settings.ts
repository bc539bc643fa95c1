// A registry's non-secret, provider-specific settings (the `settings` JSON
// column). Pure. Unknown keys are dropped, so an old row never breaks a page.
import { z } from "zod";
import { GENERIC_FLAVORS, type FederationSettings } from "@/lib/registries/providers/types";

export const ZRegistrySettings = z.object({
  /** ECR IAM Authentication: the role the portal assumes. */
  roleArn: z.string().optional(),
  /** ECR access key: the key ID masked (AKIA…WXYZ), so pages show it without decrypting. */
  accessKeyIdMasked: z.string().optional(),
  /** Username + token: the username (Docker ID, robot org+name, deploy token user, ACR token name); Quay keyless: the robot. */
  username: z.string().optional(),
  /** Username + token, client secret: the secret masked (ghp_…WXYZ), to recognise which one is stored. */
  secretMasked: z.string().optional(),
  /** Azure service principal or keyless federated credential. */
  tenantId: z.string().optional(),
  clientId: z.string().optional(),
  /** Google keyless (Workload Identity Federation). */
  projectNumber: z.string().optional(),
  poolId: z.string().optional(),
  providerId: z.string().optional(),
  serviceAccount: z.string().optional(),
  /** Azure keyless: "abac" for a registry with ABAC repository permissions, and the repositories its role assignment is limited to (space-separated). */
  acrPermissionsMode: z.string().optional(),
  abacRepositories: z.string().optional(),
  /** Google: what the JSON key says about itself (the key is encrypted). */
  serviceAccountEmail: z.string().optional(),
  projectId: z.string().optional(),
  privateKeyId: z.string().optional(),
  /** Harbor, Nexus, JFrog or other. */
  flavor: z.enum(GENERIC_FLAVORS).optional(),
});
export type RegistrySettings = z.infer<typeof ZRegistrySettings>;

export function parseRegistrySettings(value: unknown): RegistrySettings {
  const parsed = ZRegistrySettings.safeParse(value);
  return parsed.success ? parsed.data : {};
}

/** AKIAIOSFODNN7EXAMPLE → AKIA…MPLE: enough to recognise a key, not to use it. */
export function maskAccessKeyId(accessKeyId: string): string {
  return `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;
}

/**
 * A token's well-known prefix and its last 4 characters (ghp_…WXYZ,
 * dckr_pat_…WXYZ, glpat-…WXYZ); only "…" and the last 2 of a short one, which
 * may be a human password.
 */
export function maskSecret(secret: string): string {
  if (secret.length < 20) return `…${secret.slice(-2)}`;
  const prefix = /^[a-z]{2,8}(?:_[a-z]{2,4})?[_-]/.exec(secret)?.[0] ?? "";
  return `${prefix}…${secret.slice(-4)}`;
}

/** The settings a keyless federation reads (never a secret: there is none). */
export function federationSettingsOf(settings: RegistrySettings): FederationSettings {
  const { tenantId, clientId, username, projectNumber, poolId, providerId, serviceAccount, acrPermissionsMode, abacRepositories } = settings;
  return { tenantId, clientId, username, projectNumber, poolId, providerId, serviceAccount, acrPermissionsMode, abacRepositories };
}
