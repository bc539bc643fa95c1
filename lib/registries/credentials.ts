import "server-only";
// A registry's stored secret: for access-key registries the key ID and the
// secret access key, encrypted together with the data-encryption key and the
// row's [teamId, registryId] as associated data, so a ciphertext copied to
// another row (or team) does not decrypt. Nothing here is ever sent to the
// browser; loadRegistryCredentials is for the server-side Test and proxy only.
import { z } from "zod";
import { getDataSecretBox } from "@/lib/crypto/data-secret-box";
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { UserFacingError } from "@/lib/http/result";
import { parseRegistrySettings } from "@/lib/registries/settings";

export interface AccessKeyCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const ZStoredAccessKey = z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) });

export function encryptAccessKey(teamId: string, registryId: string, credentials: AccessKeyCredentials): string {
  const plaintext = JSON.stringify({ accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey });
  return getDataSecretBox().encrypt(plaintext, [teamId, registryId]);
}

/** Throws SecretDecryptionError for a tampered value or one stored for another row. */
export function decryptAccessKey(teamId: string, registryId: string, stored: string): AccessKeyCredentials {
  const plaintext = getDataSecretBox().decrypt(stored, [teamId, registryId]);
  // Never let the decrypted value into an error message (JSON.parse quotes its input).
  let value: unknown;
  try {
    value = JSON.parse(plaintext);
  } catch {
    value = null;
  }
  const parsed = ZStoredAccessKey.safeParse(value);
  if (!parsed.success) throw new Error("stored registry credentials have an unexpected shape");
  return parsed.data;
}

/** What the portal authenticates to the registry with, by auth type. */
export type RegistryCredentials =
  | { authType: "access_key"; accessKeyId: string; secretAccessKey: string }
  | { authType: "iam_role"; roleArn: string }
  | { authType: "ambient" };

/**
 * The registry's credentials, decrypted, or null when the registry is not
 * the team's. Server-only: for the Test and the proxy, never for a page or
 * an action's result. Throws a UserFacingError when the registry cannot be
 * used as configured (no stored key, no role, ambient identity switched
 * off) and SecretDecryptionError when the stored value does not decrypt.
 */
export async function loadRegistryCredentials(teamId: string, registryId: string): Promise<RegistryCredentials | null> {
  const registry = await prisma.registry.findFirst({
    where: { id: registryId, teamId },
    select: { id: true, teamId: true, authType: true, settings: true, encryptedCredentials: true },
  });
  if (!registry) return null;
  switch (registry.authType) {
    case "access_key": {
      if (!registry.encryptedCredentials) throw new UserFacingError("credentials_missing", "This registry has no access key stored. Edit it and enter an access key ID and secret access key.");
      return { authType: "access_key", ...decryptAccessKey(registry.teamId, registry.id, registry.encryptedCredentials) };
    }
    case "iam_role": {
      const { roleArn } = parseRegistrySettings(registry.settings);
      if (!roleArn) throw new UserFacingError("credentials_missing", "This registry has no AWS role ARN. Edit it and enter the role to assume.");
      return { authType: "iam_role", roleArn };
    }
    case "ambient": {
      if (!getEnv().ALLOW_AMBIENT_AWS_CREDENTIALS) throw new UserFacingError("ambient_disabled", AMBIENT_DISABLED_MESSAGE);
      return { authType: "ambient" };
    }
    default:
      throw new Error(`registry ${registry.id} has an unknown auth type`);
  }
}

export const AMBIENT_DISABLED_MESSAGE =
  "This portal does not offer its own AWS identity to teams (ALLOW_AMBIENT_AWS_CREDENTIALS is off). Choose Access key or IAM Authentication.";
