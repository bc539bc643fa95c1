import type { ReactNode } from "react";
import { LocalTime } from "@/components/ui/local-time";
import { parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { AUTH_TYPE_LABEL, PROVIDER_LABEL } from "@/lib/registries/schema";
import { describeAppAccess, type RegistryView } from "@/lib/registries/service";

/** The registry's settings, read-only: what viewers see, and the summary above the edit form. */
export function RegistryDetails({ registry }: { registry: RegistryView }) {
  const parsed = parseEcrHostname(registry.hostname);
  const host = parsed.ok ? parsed.value : null;
  return (
    <dl className="grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-3">
      <Item label="Provider">{PROVIDER_LABEL[registry.provider] ?? registry.provider}</Item>
      <Item label="Hostname" mono>
        {registry.hostname}
      </Item>
      <Item label="Name">{registry.name ?? <span className="text-zinc-600 dark:text-zinc-400">None</span>}</Item>
      {host?.kind === "public" ? (
        <Item label="Registry">ECR Public (API in {host.apiRegion})</Item>
      ) : (
        host && (
          <>
            <Item label="Account" mono>
              {host.accountId}
            </Item>
            <Item label="Region" mono>
              {host.region}
            </Item>
          </>
        )
      )}
      {host && (
        <Item label="Partition" mono>
          {host.partition}
        </Item>
      )}
      <Item label="Auth type">{AUTH_TYPE_LABEL[registry.authType] ?? registry.authType}</Item>
      {registry.authType === "access_key" && (
        <Item label="Access key">
          <span className="font-mono">{registry.accessKeyIdMasked ?? "none"}</span>
          {registry.accessKeyIdMasked && <span className="text-zinc-600 dark:text-zinc-400"> · secret set</span>}
        </Item>
      )}
      {registry.authType === "iam_role" && (
        <Item label="AWS Role ARN" mono>
          {registry.roleArn}
        </Item>
      )}
      {registry.username && (
        <Item label={registry.authType === "federated" ? "Robot account" : "Username"} mono>
          {registry.username}
        </Item>
      )}
      {registry.tenantId && <Item label="Tenant ID" mono>{registry.tenantId}</Item>}
      {registry.clientId && <Item label="Client ID" mono>{registry.clientId}</Item>}
      {registry.projectNumber && <Item label="Project number" mono>{registry.projectNumber}</Item>}
      {registry.poolId && <Item label="Workload identity pool" mono>{registry.poolId}</Item>}
      {registry.providerId && <Item label="Workload identity provider" mono>{registry.providerId}</Item>}
      {registry.serviceAccount && <Item label="Service account impersonated" mono>{registry.serviceAccount}</Item>}
      {registry.acrPermissionsMode === "abac" && <Item label="Permissions mode">RBAC Registry + ABAC Repository Permissions</Item>}
      {registry.abacRepositories && <Item label="ABAC repositories" mono>{registry.abacRepositories}</Item>}
      {registry.authType === "federated" && <Item label="Stored secret">None: the portal signs in with its own identity</Item>}
      {registry.serviceAccountEmail && (
        <Item label="Service account" mono>
          {registry.serviceAccountEmail}
          {registry.privateKeyId && <span className="block text-xs text-zinc-600 dark:text-zinc-400">key {registry.privateKeyId}</span>}
        </Item>
      )}
      {registry.secretMasked && (
        <Item label={registry.authType === "service_principal" ? "Client secret" : "Password or token"}>
          <span className="font-mono">{registry.secretMasked}</span>
          <span className="text-zinc-600 dark:text-zinc-400"> · stored encrypted</span>
        </Item>
      )}
      <Item label="App access">{describeAppAccess(registry)}</Item>
      <Item label="Added">
        <LocalTime value={registry.createdAt.toISOString()} />
      </Item>
      <Item label="Last changed">
        <LocalTime value={registry.updatedAt.toISOString()} />
      </Item>
    </dl>
  );
}

function Item({ label, mono, children }: { label: string; mono?: boolean; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className={mono ? "mt-1 font-mono break-all" : "mt-1 break-words"}>{children}</dd>
    </div>
  );
}
