import "server-only";
// /oidc: the values a vendor enters in AWS for IAM Authentication.
import { defineEndpoint } from "@/lib/api/endpoint";
import { toApiOidcValues } from "@/lib/api/endpoints/registry-view";
import { dataOf, ZApiOidcValues } from "@/lib/api/schemas";
import { getOidcProviderInfo } from "@/lib/oidc/provider-info";

export const getOidcValuesEndpoint = defineEndpoint(
  {
    method: "get",
    path: "/oidc",
    operationId: "getOidcValues",
    tag: "Identity provider",
    summary: "Get the OpenID Connect provider values",
    description: "Issuer URL, audience and thumbprint for IAM → Identity providers, and your team's subject for the role's trust policy.",
    minimumRole: "VIEWER",
    what: "read the identity provider's values",
    response: dataOf(ZApiOidcValues, "OidcValuesResponse"),
  },
  async ({ principal }) => ({ data: toApiOidcValues(await getOidcProviderInfo(), principal.team.publicId) }),
);
