// Amazon ECR: static access keys, IAM Authentication (the portal's OpenID
// Connect tokens exchanged at STS) or the portal's own AWS identity. The
// login is STS + GetAuthorizationToken (lib/aws), not the OCI token flow.
import { parseRoleArn } from "@/lib/aws/arn";
import { looksLikeArn, resolveRoleReference } from "@/lib/aws/role-reference";
import { ECR_HOSTNAME_PATTERN, parseEcrHostname } from "@/lib/aws/ecr-hostname";
import type { FieldIssue, RegistryProviderModule } from "@/lib/registries/providers/types";

export const ACCESS_KEY_ID_PATTERN = /^(?:AKIA|ASIA)[A-Z0-9]{16}$/;
export const SECRET_ACCESS_KEY_PATTERN = /^[A-Za-z0-9/+=]{40}$/;

export const ECR_MESSAGES = {
  accessKeyId: "Access key ID must be AKIA or ASIA followed by 16 upper-case letters or digits, e.g. AKIAIOSFODNN7EXAMPLE.",
  secretAccessKey: "Secret access key must be the 40 characters AWS showed when the key was created (letters, digits, / and +).",
} as const;

export const ecrProvider: RegistryProviderModule = {
  id: "ecr",
  label: "Amazon ECR",
  description: "Private ECR registries in any AWS region, with an access key or IAM Authentication.",
  hostnamePlaceholder: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
  hostnameHelp: "The registry's hostname from the ECR console (account ID, region), without https:// or a repository.",
  authTypes: [
    {
      id: "access_key",
      label: "Access key",
      hint: "An IAM user's access key ID and secret access key, stored encrypted.",
      fields: [
        { name: "accessKeyId", label: "Access key ID", help: "AKIA… (20 characters), from IAM > Users > Security credentials.", placeholder: "AKIAIOSFODNN7EXAMPLE", secret: false },
        { name: "secretAccessKey", label: "Secret access key", help: "The 40 characters AWS showed once when the key was created.", secret: true },
      ],
    },
    {
      id: "iam_role",
      label: "IAM Authentication",
      hint: "The portal assumes an IAM role in your account with a short-lived token. No AWS key is stored.",
      fields: [{ name: "roleArn", label: "Role ARN", help: "The role the portal assumes, e.g. arn:aws:iam::123456789012:role/PortalPull.", placeholder: "arn:aws:iam::123456789012:role/PortalPull", secret: false }],
    },
    { id: "ambient", label: "Portal's own AWS identity", hint: "The AWS identity the portal itself runs with (single-tenant installs).", fields: [] },
  ],
  ownsHostname: (hostname) => {
    const value = hostname.trim().toLowerCase().replace(/^https:\/\//, "").replace(/\/+$/, "");
    return value === "public.ecr.aws" || ECR_HOSTNAME_PATTERN.test(value) || /\.dkr[.-]ecr(-fips)?\./.test(value);
  },
  parseHostname: (input) => {
    const parsed = parseEcrHostname(input);
    return parsed.ok ? { ok: true, value: parsed.value.hostname } : parsed;
  },
  apiHostname: (hostname) => hostname,
  checkCredentials(values, needsSecret) {
    const issues: FieldIssue[] = [];
    if (values.authType === "access_key" && needsSecret) {
      if (!ACCESS_KEY_ID_PATTERN.test(values.accessKeyId)) issues.push({ field: "accessKeyId", message: ECR_MESSAGES.accessKeyId });
      if (!SECRET_ACCESS_KEY_PATTERN.test(values.secretAccessKey)) issues.push({ field: "secretAccessKey", message: ECR_MESSAGES.secretAccessKey });
    }
    if (values.authType === "iam_role") {
      const registry = parseEcrHostname(values.hostname);
      if (registry.ok) {
        const role = resolveRoleReference({ role: values.roleArn, accountId: values.roleAccountId ?? "", registry: registry.value });
        if (!role.ok) issues.push({ field: role.field === "roleAccountId" ? "roleAccountId" : "roleArn", message: role.message });
      } else if (looksLikeArn(values.roleArn) || values.roleArn.trim() === "") {
        // Without a hostname only a full ARN can be checked; a name waits for the hostname.
        const role = parseRoleArn(values.roleArn);
        if (!role.ok) issues.push({ field: "roleArn", message: role.message });
      }
    }
    return issues;
  },
  // The ECR guide (trust policy, permissions policy, CLI) is lib/registries/setup-guide.ts; this is its summary.
  setupGuide: ({ repository }) => ({
    steps: [
      { title: "Create the credential", body: "IAM Authentication: create the OpenID Connect provider and the role shown on the registry's page. Access key: create an IAM user with the permissions policy shown, then an access key under Security credentials." },
    ],
    minimumPermission: "ecr:GetAuthorizationToken on *, and ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on the repositories (AmazonEC2ContainerRegistryReadOnly covers them).",
    pullScope: repository ? `ecr:BatchGetImage on ${repository}` : "ecr:BatchGetImage on the repositories",
  }),
  login: { kind: "ecr" },
  terms: {
    credential: "AWS credentials",
    wrongCredentials: { summary: "The registry refused the ECR login token.", fix: "Check that the hostname's account and region are the registry's." },
    noPullPermission: (repository) => ({ summary: `The identity may not pull ${repository}.`, fix: "Allow ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the repository." }),
    unknownRepository: (repository) => ({ summary: `${repository} does not exist in the registry.`, fix: "Check the repository name as shown in the ECR console." }),
  },
};
