// The inputs of the registry pages, shared by the form (zodResolver) and the
// server actions (parseInput). Pure: runs in the browser and on the server.
//
// A registry is a provider ("ecr" today) plus an auth type, both plain
// strings in the database, and provider-specific non-secret settings as JSON.
// A later provider (Docker Hub, GHCR, Quay, any OCI registry) adds its value
// to REGISTRY_PROVIDERS, its hostname rule to hostnameIssue() and, if it needs
// one, an auth type such as "basic": existing rows keep their values.
import { z } from "zod";
import { parseRoleArn } from "@/lib/aws/arn";
import { parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { looksLikeArn, resolveRoleReference } from "@/lib/aws/role-reference";
import { cleanHostnameInput } from "@/lib/registries/hostname-input";

export const REGISTRY_PROVIDERS = ["ecr"] as const;
export type RegistryProvider = (typeof REGISTRY_PROVIDERS)[number];
export const PROVIDER_LABEL: Record<RegistryProvider, string> = { ecr: "Amazon ECR" };

export const REGISTRY_AUTH_TYPES = ["access_key", "iam_role", "ambient"] as const;
export type RegistryAuthType = (typeof REGISTRY_AUTH_TYPES)[number];
export const AUTH_TYPE_LABEL: Record<RegistryAuthType, string> = {
  access_key: "Access key",
  iam_role: "IAM Authentication",
  ambient: "Portal's own AWS identity",
};

export const REGISTRY_NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const ACCESS_KEY_ID_PATTERN = /^(?:AKIA|ASIA)[A-Z0-9]{16}$/;
export const SECRET_ACCESS_KEY_PATTERN = /^[A-Za-z0-9/+=]{40}$/;

const MESSAGES = {
  name: "Name may use lower-case letters, digits and single dashes between them (e.g. prod-ecr), at most 63 characters; or leave it empty.",
  accessKeyId: "Access key ID must be AKIA or ASIA followed by 16 upper-case letters or digits, e.g. AKIAIOSFODNN7EXAMPLE.",
  secretAccessKey: "Secret access key must be the 40 characters AWS showed when the key was created (letters, digits, / and +).",
  applicationIds: "Choose at least one application, or give all applications access.",
} as const;

const ZRegistryFields = z.object({
  provider: z.enum(REGISTRY_PROVIDERS, { error: "Choose a provider: Amazon ECR." }),
  /** Optional; "" means none. Unique per team; used later in proxy paths. */
  name: z
    .string()
    .trim()
    .max(63, { error: MESSAGES.name })
    .refine((value) => value === "" || REGISTRY_NAME_PATTERN.test(value), { error: MESSAGES.name }),
  /** A pasted URL or image reference is cleaned to its hostname (lib/registries/hostname-input). */
  hostname: z
    .string()
    .max(300, { error: "That is too long for a hostname. Enter a hostname like 123456789012.dkr.ecr.us-east-1.amazonaws.com." })
    .transform((value) => cleanHostnameInput(value).hostname),
  authType: z.enum(REGISTRY_AUTH_TYPES, { error: "Choose how the portal authenticates: access key or IAM Authentication." }),
  accessKeyId: z.string().trim().max(128, { error: MESSAGES.accessKeyId }),
  secretAccessKey: z.string().trim().max(128, { error: MESSAGES.secretAccessKey }),
  /** IAM Authentication: the role's name (e.g. PortalEcrPull, in roleAccountId or the registry's account) or its full ARN. */
  roleArn: z.string().trim().max(2048, { error: "That is too long for a role ARN. Role ARN must look like arn:aws:iam::123456789012:role/Name." }),
  /** The role's account when it is not the registry's ("" or absent: the registry's). Ignored for a full ARN. */
  roleAccountId: z.string().trim().max(64, { error: "The role's account ID must be exactly 12 digits, e.g. 123456789012." }).optional(),
  allApplications: z.boolean({ error: "Choose which applications may use this registry." }),
  applicationIds: z.array(z.string().min(1).max(64)).max(500),
});

type RegistryFields = z.infer<typeof ZRegistryFields>;

/** The hostname's problem for this provider, or null. */
export function hostnameIssue(provider: RegistryProvider, hostname: string): string | null {
  switch (provider) {
    case "ecr": {
      const parsed = parseEcrHostname(hostname);
      return parsed.ok ? null : parsed.message;
    }
  }
}

/**
 * Cross-field rules. `needsAccessKey` is false when an existing registry keeps
 * its stored access key (an edit that does not replace it).
 */
function checkRegistry(value: RegistryFields, ctx: z.RefinementCtx, needsAccessKey: boolean) {
  const hostnameProblem = hostnameIssue(value.provider, value.hostname);
  if (hostnameProblem) ctx.addIssue({ code: "custom", path: ["hostname"], message: hostnameProblem });

  if (value.authType === "access_key" && needsAccessKey) {
    if (!ACCESS_KEY_ID_PATTERN.test(value.accessKeyId)) ctx.addIssue({ code: "custom", path: ["accessKeyId"], message: MESSAGES.accessKeyId });
    if (!SECRET_ACCESS_KEY_PATTERN.test(value.secretAccessKey)) ctx.addIssue({ code: "custom", path: ["secretAccessKey"], message: MESSAGES.secretAccessKey });
  }

  if (value.authType === "iam_role") {
    const registry = hostnameProblem ? null : parseEcrHostname(value.hostname);
    if (registry?.ok) {
      const role = resolveRoleReference({ role: value.roleArn, accountId: value.roleAccountId ?? "", registry: registry.value });
      if (!role.ok) ctx.addIssue({ code: "custom", path: [role.field ?? "roleArn"], message: role.message });
    } else if (looksLikeArn(value.roleArn) || value.roleArn.trim() === "") {
      // Without a hostname only a full ARN can be checked; a name waits for the hostname.
      const role = parseRoleArn(value.roleArn);
      if (!role.ok) ctx.addIssue({ code: "custom", path: ["roleArn"], message: role.message });
    }
  }

  if (!value.allApplications && value.applicationIds.length === 0) ctx.addIssue({ code: "custom", path: ["applicationIds"], message: MESSAGES.applicationIds });
}

export const ZCreateRegistryInput = ZRegistryFields.superRefine((value, ctx) => checkRegistry(value, ctx, true));
export type TCreateRegistryInput = z.infer<typeof ZCreateRegistryInput>;

export const ZUpdateRegistryInput = ZRegistryFields.extend({
  registryId: z.string().min(1).max(64),
  /**
   * Replacing the stored access key is explicit: without this the key ID and
   * secret fields are ignored and the stored key is kept.
   */
  replaceAccessKey: z.boolean(),
}).superRefine((value, ctx) => checkRegistry(value, ctx, value.replaceAccessKey));
export type TUpdateRegistryInput = z.infer<typeof ZUpdateRegistryInput>;

export const ZDeleteRegistryInput = z.object({ registryId: z.string().min(1).max(64) });
export type TDeleteRegistryInput = z.infer<typeof ZDeleteRegistryInput>;

/** The fields of the registry form, in the order errors are focused. */
export const REGISTRY_FORM_FIELDS = ["provider", "name", "hostname", "authType", "accessKeyId", "secretAccessKey", "roleArn", "roleAccountId", "applicationIds"] as const;

/** Test status written by the Test (lib/registry-test); see RegistryStatus in service.ts. */
export const REGISTRY_TEST_STATUSES = ["never", "verified", "failing", "unsafe"] as const;
export type RegistryTestStatus = (typeof REGISTRY_TEST_STATUSES)[number];
