// A registry's non-secret, provider-specific settings (the `settings` JSON
// column). Pure. Unknown keys are dropped, so an old row never breaks a page.
import { z } from "zod";

export const ZEcrSettings = z.object({
  /** IAM Authentication: the role the portal assumes. */
  roleArn: z.string().optional(),
  /** Access key: the key ID masked (AKIA…WXYZ), so pages show it without decrypting. */
  accessKeyIdMasked: z.string().optional(),
});
export type EcrSettings = z.infer<typeof ZEcrSettings>;

export function parseRegistrySettings(value: unknown): EcrSettings {
  const parsed = ZEcrSettings.safeParse(value);
  return parsed.success ? parsed.data : {};
}

/** AKIAIOSFODNN7EXAMPLE → AKIA…MPLE: enough to recognise a key, not to use it. */
export function maskAccessKeyId(accessKeyId: string): string {
  return `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;
}
