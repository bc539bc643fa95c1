// An error the local AWS answers with: the code and message AWS uses, and the
// HTTP status AWS sends with it. Each protocol renders it in its own shape.
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: "Sender" | "Receiver" = "Sender",
  ) {
    super(message);
    this.name = code;
  }
}

export function accessDeniedMessage(input: { principalArn: string; action: string; resource: string; reason: DenialReason }): string {
  return `User: ${input.principalArn} is not authorized to perform: ${input.action} on resource: ${input.resource} ${denialPhrase(input.reason, input.action)}`;
}

export type DenialReason = "no-identity-allow" | "identity-deny" | "no-resource-allow" | "resource-deny";

function denialPhrase(reason: DenialReason, action: string): string {
  switch (reason) {
    case "no-identity-allow":
      return `because no identity-based policy allows the ${action} action`;
    case "identity-deny":
      return "with an explicit deny in an identity-based policy";
    case "no-resource-allow":
      return `because no resource-based policy allows the ${action} action`;
    case "resource-deny":
      return "with an explicit deny in a resource-based policy";
  }
}
