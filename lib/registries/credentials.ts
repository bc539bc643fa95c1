import "server-only";
// A registry's stored secret, by auth type: the ECR access key (key ID and
// secret), a password or token, a Google JSON key, or an Azure client secret.
// Encrypted as JSON with the data-encryption key and the row's
// [teamId, registryId] as associated data, so a ciphertext copied to another
// row (or team) does not decrypt. Nothing here is ever sent to the browser;
// loadRegistryCredentials is for the server-side Test and proxy only.
import { z } from "zod";
import { getDataSecretBox } from "@/lib/crypto/data-secret-box";
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { UserFacingError } from "@/lib/http/result";
import type { FederationSettings } from "@/lib/registries/providers/types";
import { federationSettingsOf, parseRegistrySettings } from "@/lib/registries/settings";

export interface AccessKeyCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The secret part of a registry's credentials, as encrypted. */
export type RegistrySecret = AccessKeyCredentials | { password: string } | { jsonKey: string } | { clientSecret: string };

const ZStoredSecret = z.union([
  z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }),
  z.object({ password: z.string().min(1) }),
  z.object({ jsonKey: z.string().min(1) }),
  z.object({ clientSecret: z.string().min(1) }),
]);

export function encryptRegistrySecret(teamId: string, registryId: string, secret: RegistrySecret): string {
  return getDataSecretBox().encrypt(JSON.stringify(secret), [teamId, registryId]);
}

/** Throws SecretDecryptionError for a tampered value or one stored for another row. */
export function decryptRegistrySecret(teamId: string, registryId: string, stored: string): RegistrySecret {
  const plaintext = getDataSecretBox().decrypt(stored, [teamId, registryId]);
  // Never let the decrypted value into an error message (JSON.parse quotes its input).
  let value: unknown;
  try {
    value = JSON.parse(plaintext);
  } catch {
    value = null;
  }
  const parsed = ZStoredSecret.safeParse(value);
  if (!parsed.success) throw new Error("stored registry credentials have an unexpected shape");
  return parsed.data;
}

export function encryptAccessKey(teamId: string, registryId: string, credentials: AccessKeyCredentials): string {
  return encryptRegistrySecret(teamId, registryId, { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey });
}

/** Throws SecretDecryptionError for a tampered value or one stored for another row. */
export function decryptAccessKey(teamId: string, registryId: string, stored: string): AccessKeyCredentials {
  const secret = decryptRegistrySecret(teamId, registryId, stored);
  if (!("accessKeyId" in secret)) throw new Error("stored registry credentials have an unexpected shape");
  return secret;
}

/** What the portal authenticates to the registry with, by auth type. */
export type RegistryCredentials =
  | { authType: "access_key"; accessKeyId: string; secretAccessKey: string }
  | { authType: "iam_role"; roleArn: string }
  | { authType: "ambient" }
  | { authType: "basic"; username: string; password: string }
  | { authType: "anonymous" }
  | { authType: "json_key"; jsonKey: string }
  | { authType: "service_principal"; tenantId: string; clientId: string; clientSecret: string }
  /** Keyless: nothing secret; the portal's own token is exchanged (lib/registry-auth/federation). */
  | { authType: "federated"; settings: FederationSettings };

const MISSING: Record<string, string> = {
  access_key: "This registry has no access key stored. Edit it and enter an access key ID and secret access key.",
  basic: "This registry has no password or token stored. Edit it and enter one.",
  json_key: "This registry has no service account key stored. Edit it and paste the JSON key.",
  service_principal: "This registry has no client secret stored. Edit it and enter the service principal's secret.",
};

/**
 * The registry's credentials, decrypted, or null when the registry is not
 * the team's. Server-only: for the Test and the proxy, never for a page or
 * an action's result. Throws a UserFacingError when the registry cannot be
 * used as configured (no stored secret, no role, ambient identity switched
 * off) and SecretDecryptionError when the stored value does not decrypt.
 */
export async function loadRegistryCredentials(teamId: string, registryId: string): Promise<RegistryCredentials | null> {
  const registry = await prisma.registry.findFirst({
    where: { id: registryId, teamId },
    select: { id: true, teamId: true, authType: true, settings: true, encryptedCredentials: true },
  });
  if (!registry) return null;
  const settings = parseRegistrySettings(registry.settings);
  const secret = () => {
    if (!registry.encryptedCredentials) throw new UserFacingError("credentials_missing", MISSING[registry.authType] ?? "This registry has no credentials stored. Edit it.");
    return decryptRegistrySecret(registry.teamId, registry.id, registry.encryptedCredentials);
  };
  const wrongShape = () => new Error(`registry ${registry.id} has a stored secret of another auth type`);
  switch (registry.authType) {
    case "access_key": {
      const stored = secret();
      if (!("accessKeyId" in stored)) throw wrongShape();
      return { authType: "access_key", accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey };
    }
    case "iam_role": {
      if (!settings.roleArn) throw new UserFacingError("credentials_missing", "This registry has no AWS role ARN. Edit it and enter the role to assume.");
      return { authType: "iam_role", roleArn: settings.roleArn };
    }
    case "ambient": {
      if (!getEnv().ALLOW_AMBIENT_AWS_CREDENTIALS) throw new UserFacingError("ambient_disabled", AMBIENT_DISABLED_MESSAGE);
      return { authType: "ambient" };
    }
    case "basic": {
      const stored = secret();
      if (!("password" in stored) || !settings.username) throw wrongShape();
      return { authType: "basic", username: settings.username, password: stored.password };
    }
    case "anonymous":
      return { authType: "anonymous" };
    case "json_key": {
      const stored = secret();
      if (!("jsonKey" in stored)) throw wrongShape();
      return { authType: "json_key", jsonKey: stored.jsonKey };
    }
    case "service_principal": {
      const stored = secret();
      if (!("clientSecret" in stored) || !settings.tenantId || !settings.clientId) throw wrongShape();
      return { authType: "service_principal", tenantId: settings.tenantId, clientId: settings.clientId, clientSecret: stored.clientSecret };
    }
    case "federated":
      return { authType: "federated", settings: federationSettingsOf(settings) };
    default:
      throw new Error(`registry ${registry.id} has an unknown auth type`);
  }
}

export const AMBIENT_DISABLED_MESSAGE =
  "This portal does not offer its own AWS identity to teams (ALLOW_AMBIENT_AWS_CREDENTIALS is off). Choose Access key or IAM Authentication.";

