// The AWS CLI commands for the vendor's side of IAM authentication, with the
// real values filled in, in the order of the setup checklist.
import type { RoleArn } from "@/lib/aws/arn";
import type { EcrHostname } from "@/lib/aws/ecr-hostname";
import { STS_AUDIENCE, formatPolicyJson, type PolicyDocument } from "@/lib/aws/trust-policy";

export interface SetupStep {
  id: "provider" | "role" | "permissions" | "repository-policy" | "trust-policy";
  title: string;
  explanation: string;
  command: string;
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function writeFile(name: string, policy: PolicyDocument): string {
  return `cat > ${name} <<'JSON'\n${formatPolicyJson(policy)}\nJSON`;
}

/**
 * Endpoint URLs the commands must use instead of AWS's (the local AWS in an
 * offline setup): each command gets --endpoint-url so it pastes unchanged.
 */
export interface CliEndpoints {
  iam?: string;
  ecr?: string;
}

function endpointArg(url: string | undefined): string {
  return url ? ` \\\n  --endpoint-url ${shellQuote(url)}` : "";
}

export function buildAwsCliSetup(input: {
  issuerUrl: string;
  thumbprint: string | null;
  role: RoleArn;
  registry: EcrHostname;
  trustPolicy: PolicyDocument;
  permissionsPolicy: PolicyDocument;
  repositoryPolicy: PolicyDocument | null;
  repositoryName?: string;
  endpoints?: CliEndpoints;
}): SetupStep[] {
  const { role, registry } = input;
  const roleName = shellQuote(role.roleName);
  const iam = endpointArg(input.endpoints?.iam);
  const steps: SetupStep[] = [
    {
      id: "provider",
      title: "Register the portal as an OpenID Connect provider",
      explanation: `In account ${role.accountId}: IAM trusts tokens from the portal's issuer for the audience ${STS_AUDIENCE}. Skip this step if the account already has this provider (one per account serves every role).`,
      command: [
        "aws iam create-open-id-connect-provider",
        `  --url ${shellQuote(input.issuerUrl)}`,
        `  --client-id-list ${STS_AUDIENCE}`,
        ...(input.thumbprint ? [`  --thumbprint-list ${input.thumbprint}`] : []),
      ].join(" \\\n") + iam,
    },
    {
      id: "role",
      title: "Create the role with its trust policy",
      explanation: `Creates ${role.roleName} in account ${role.accountId} with the trust policy above: only tokens for your team's subject and the STS audience may assume it. If the role already exists, replace its trust policy instead (second command).`,
      command: `${writeFile("trust-policy.json", input.trustPolicy)}\naws iam create-role --role-name ${roleName}${role.path !== "/" ? ` --path ${shellQuote(role.path)}` : ""} \\\n  --assume-role-policy-document file://trust-policy.json${iam}\n\n# The role exists already? Replace its trust policy instead:\naws iam update-assume-role-policy --role-name ${roleName} \\\n  --policy-document file://trust-policy.json${iam}`,
    },
    {
      id: "permissions",
      title: "Allow the role to pull from ECR",
      explanation: "A login token (account-wide by AWS's design) and the three pull actions.",
      command: `${writeFile("ecr-pull-policy.json", input.permissionsPolicy)}\naws iam put-role-policy --role-name ${roleName} --policy-name PortalEcrPull \\\n  --policy-document file://ecr-pull-policy.json${iam}`,
    },
  ];
  if (input.repositoryPolicy && registry.accountId) {
    steps.push({
      id: "repository-policy",
      title: "Let the role pull across accounts",
      explanation: `The registry is in account ${registry.accountId} and the role in ${role.accountId}: each repository must also allow the role (run in account ${registry.accountId}).`,
      command: `${writeFile("repository-policy.json", input.repositoryPolicy)}\naws ecr set-repository-policy --region ${registry.apiRegion} \\\n  --repository-name ${shellQuote(input.repositoryName ?? "<repository>")} --policy-text file://repository-policy.json${endpointArg(input.endpoints?.ecr)}`,
    });
  }
  return steps;
}
