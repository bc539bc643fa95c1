// The az commands a registry page shows, applied to the Azure stand-in's
// Entra and role state: there is no az CLI here, so every argument is read
// from the command text (a wrong value shown on the page is a wrong value
// applied) and applied as az would. Local mode is checked: the script must
// point the CLI at the stand-in (`az cloud register --endpoint-active-directory
// <stand-in>`). `az ad app create` / `az ad sp create` and the managed-identity
// alternative are not played: the stand-in's apps exist up front.
import type { AzureStandIn, FederatedCredential } from "./azure";

export interface AzApplyOptions {
  /** Alters the federated credential before it is stored (a wrong subject, audience…). */
  editCredential?: (credential: FederatedCredential & { description?: string }) => FederatedCredential;
}

export function applyAzScript(script: string, azure: AzureStandIn, options: AzApplyOptions = {}): void {
  const joined = script.replace(/\\\n\s*/g, "");
  const cloud = /az cloud register .*--endpoint-active-directory (\S+)/.exec(joined);
  if (cloud?.[1] !== azure.url) throw new Error(`local mode: the commands must point the CLI at the stand-in (${azure.url}), not ${cloud?.[1] ?? "the public cloud"}`);

  const federated = /az ad app federated-credential create --id (\S+)\s+--parameters '((?:[^']|'\\'')*)'/.exec(joined);
  if (federated) {
    const application = azure.applications.find((candidate) => candidate.clientId === federated[1]);
    if (!application) throw new Error(`Resource '${federated[1]}' does not exist (no app with that client ID)`);
    const parameters = JSON.parse(federated[2]!.replace(/'\\''/g, "'")) as FederatedCredential & { description?: string };
    (application.federatedCredentials ??= []).push(options.editCredential ? options.editCredential(parameters) : parameters);
  }

  for (const line of joined.split("\n").filter((text) => text.startsWith("az role assignment delete "))) {
    const application = azure.applications.find((candidate) => candidate.clientId === /--assignee (\S+)/.exec(line)?.[1]);
    const role = /--role (?:'([^']+)'|(\S+))/.exec(line);
    if (!application || !role) throw new Error("az role assignment delete: no principal or no --role");
    azure.removeRole(application.clientId, role[1] ?? role[2]!);
  }
  for (const line of joined.split("\n").filter((text) => text.startsWith("az role assignment create "))) {
    const assignee = /--assignee (\S+)/.exec(line)?.[1];
    const role = /--role (?:"([^"]+)"|'([^']+)'|(\S+))/.exec(line);
    const application = azure.applications.find((candidate) => candidate.clientId === assignee);
    if (!application || !role) throw new Error(`az role assignment create: no principal ${assignee ?? ""} or no --role`);
    const roleName = role[1] ?? role[2] ?? role[3]!;
    // Single-quoted as the page shows it, a ' written as '\''.
    const condition = /--condition '((?:[^']|'\\'')*)'/.exec(line)?.[1]?.replace(/'\\''/g, "'");
    if (condition !== undefined && !/--condition-version 2\.0\b/.test(line)) throw new Error("az role assignment create: --condition needs --condition-version 2.0");
    azure.assignRole(application.clientId, roleName, condition);
  }
}
