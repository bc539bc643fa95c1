import "server-only";
// /applications/{applicationId}/customers: an application's customers and
// their licenses, through lib/customers/service.ts and the customer forms'
// own schemas. The license ID is returned when it is made (create,
// regenerate) and on a single customer's read for member and admin tokens,
// as the customer page shows it; never to a viewer, never in a list.
import { z } from "zod";
import { getApplication } from "@/lib/applications/service";
import { defineEndpoint, type ResourceVersioning } from "@/lib/api/endpoint";
import { mergePatchOntoInput } from "@/lib/api/merge-patch";
import { mergePatchSchemaOf } from "@/lib/api/merge-patch-schema";
import { resourceVersion } from "@/lib/api/resource-version";
import { dataOf, pageOf, ZApiCustomer, ZApiCustomerWithLicense, ZId, ZPageQuery } from "@/lib/api/schemas";
import { dateFromExpiry, ZCreateCustomerInput, ZUpdateCustomerInput } from "@/lib/customers/schema";
import { createCustomer, getCustomer, getCustomerLicense, listCustomersPage, regenerateLicense, restoreCustomer, revokeCustomer, updateCustomer, type CustomerView } from "@/lib/customers/service";
import { NOT_FOUND, parseInput } from "@/lib/http/result";
import { roleAtLeast, type TeamRole } from "@/lib/teams/roles";

const TAG = "Customers";
const ZApplicationParams = z.object({ applicationId: ZId });
const ZCustomerParams = z.object({ applicationId: ZId, customerId: ZId });
const ZCustomerResponse = dataOf(ZApiCustomer, "CustomerResponse");
const ZCustomerWithLicenseResponse = dataOf(ZApiCustomerWithLicense, "CustomerWithLicenseResponse");
const ZListCustomersQuery = ZPageQuery.extend({
  search: z
    .string()
    .max(200, { error: "search must be at most 200 characters." })
    .optional()
    .meta({ description: "Part of the name or email (case-insensitive), or a whole license ID, as the Customers page's search." }),
});
/** The customer forms' schemas, without the IDs the path carries. */
const ZCreateCustomerBody = ZCreateCustomerInput.omit({ applicationId: true }).meta({
  id: "CreateCustomerInput",
  description: "email and expiresOn are optional (left out or empty: no email, no expiry). expiresOn is the last day the license works (YYYY-MM-DD, UTC).",
});
const ZUpdateCustomerBody = ZUpdateCustomerInput.omit({ customerId: true }).meta({
  id: "UpdateCustomerInput",
  description: "Every field, as the edit form saves them. A past expiresOn is accepted here (the license is then expired).",
});

const CUSTOMER_PATCH = mergePatchSchemaOf(ZUpdateCustomerInput.omit({ customerId: true }), "CustomerPatch", "A JSON merge patch: the fields to change; null empties email (no email) or expiresOn (no expiry).");

/** Its state is part of its version: a license expires without an edit. */
const customerVersion = (customer: { id: string; updatedAt: Date | string; state: string }) => resourceVersion({ id: customer.id, updatedAt: customer.updatedAt, state: customer.state });
const CUSTOMER: ResourceVersioning<{ applicationId: string; customerId: string }, { data: { id: string; updatedAt: string; state: string } }> = {
  current: async (teamId, params) => {
    const customer = await getCustomer(teamId, params.customerId);
    return customer && customer.applicationId === params.applicationId ? customerVersion(customer) : null;
  },
  ofResult: (result) => customerVersion(result.data),
};

/** The roles that see a license on the customer page. */
const mayReadLicense = (role: TeamRole) => roleAtLeast(role, "MEMBER");

const iso = (value: Date | null) => value?.toISOString() ?? null;
const toApi = (customer: CustomerView) => ({
  id: customer.id,
  applicationId: customer.applicationId,
  name: customer.name,
  email: customer.email,
  state: customer.state,
  expiresAt: iso(customer.expiresAt),
  revokedAt: iso(customer.revokedAt),
  createdAt: customer.createdAt.toISOString(),
  updatedAt: customer.updatedAt.toISOString(),
});

async function existingApplication(teamId: string, applicationId: string): Promise<void> {
  if (!(await getApplication(teamId, applicationId))) throw NOT_FOUND();
}

/** A customer of this team and of the application in the path; anything else is a 404, as on the customer page. */
async function existingCustomer(teamId: string, params: { applicationId: string; customerId: string }): Promise<CustomerView> {
  const customer = await getCustomer(teamId, params.customerId);
  if (!customer || customer.applicationId !== params.applicationId) throw NOT_FOUND();
  return customer;
}

export const listCustomersEndpoint = defineEndpoint(
  {
    method: "get",
    path: "/applications/{applicationId}/customers",
    operationId: "listCustomers",
    tag: TAG,
    summary: "List an application's customers",
    description: "Newest first. Never the license IDs; get a single customer for its license.",
    minimumRole: "VIEWER",
    what: "list customers",
    params: ZApplicationParams,
    query: ZListCustomersQuery,
    response: pageOf(ZApiCustomer, "CustomerPage"),
    errors: ["invalid_input", "not_found"],
  },
  async ({ principal, params, query }) => {
    await existingApplication(principal.team.id, params.applicationId);
    const page = await listCustomersPage(principal.team.id, params.applicationId, query);
    return { data: page.items.map(toApi), nextCursor: page.nextCursor };
  },
);

export const createCustomerEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/applications/{applicationId}/customers",
    operationId: "createCustomer",
    tag: TAG,
    summary: "Add a customer",
    description: "Makes the customer's license. The response carries the license ID (its registry username and password), to hand to the customer.",
    minimumRole: "MEMBER",
    what: "add customers",
    params: ZApplicationParams,
    body: ZCreateCustomerBody,
    bodyExample: { name: "Acme", email: "ops@acme.example", expiresOn: "2030-12-31" },
    response: ZCustomerWithLicenseResponse,
    successStatus: 201,
    errors: ["invalid_input", "not_found"],
    resource: CUSTOMER,
  },
  async ({ principal, params, body }) => {
    const { customer, licenseId } = await createCustomer(principal.team.id, principal.actor, { ...body, applicationId: params.applicationId });
    return { data: { ...toApi(customer), licenseId } };
  },
);

export const getCustomerEndpoint = defineEndpoint(
  {
    method: "get",
    path: "/applications/{applicationId}/customers/{customerId}",
    operationId: "getCustomer",
    tag: TAG,
    summary: "Get a customer",
    description: "With its license ID for member and admin tokens; licenseId is null for a viewer token.",
    minimumRole: "VIEWER",
    what: "read customers",
    params: ZCustomerParams,
    response: ZCustomerWithLicenseResponse,
    errors: ["not_found"],
    resource: CUSTOMER,
  },
  async ({ principal, params }) => {
    const customer = await existingCustomer(principal.team.id, params);
    const licenseId = mayReadLicense(principal.role) ? await getCustomerLicense(principal.team.id, customer.id) : null;
    return { data: { ...toApi(customer), licenseId } };
  },
);

export const updateCustomerEndpoint = defineEndpoint(
  {
    method: "put",
    path: "/applications/{applicationId}/customers/{customerId}",
    operationId: "updateCustomer",
    tag: TAG,
    summary: "Change a customer",
    description: "Name, email and license expiry. The license ID stays the same.",
    minimumRole: "MEMBER",
    what: "edit customers",
    params: ZCustomerParams,
    body: ZUpdateCustomerBody,
    bodyExample: { name: "Acme Corp", email: "ops@acme.example", expiresOn: "2030-12-31" },
    response: ZCustomerResponse,
    errors: ["invalid_input", "not_found"],
    resource: CUSTOMER,
  },
  async ({ principal, params, body, ifUnchangedSince }) => {
    await existingCustomer(principal.team.id, params);
    return { data: toApi(await updateCustomer(principal.team.id, principal.actor, { ...body, customerId: params.customerId }, { ifUnchangedSince })) };
  },
);

export const patchCustomerEndpoint = defineEndpoint(
  {
    method: "patch",
    path: "/applications/{applicationId}/customers/{customerId}",
    operationId: "patchCustomer",
    tag: TAG,
    summary: "Change some of a customer's fields",
    description: "A JSON merge patch (application/merge-patch+json): only the fields named change, checked with the same rules as a full update. The license ID stays the same.",
    minimumRole: "MEMBER",
    what: "edit customers",
    params: ZCustomerParams,
    body: CUSTOMER_PATCH.schema,
    bodyExample: { email: "it@acme.example", expiresOn: null },
    validateBody: false,
    response: ZCustomerResponse,
    errors: ["invalid_input", "not_found"],
    resource: CUSTOMER,
  },
  async ({ principal, params, rawBody, ifUnchangedSince }) => {
    const customer = await existingCustomer(principal.team.id, params);
    const current = { name: customer.name, email: customer.email ?? "", expiresOn: dateFromExpiry(customer.expiresAt) };
    const merged = mergePatchOntoInput(current, rawBody, CUSTOMER_PATCH.fields, { email: "", expiresOn: "" });
    const input = parseInput(ZUpdateCustomerInput, { ...merged, customerId: customer.id });
    return { data: toApi(await updateCustomer(principal.team.id, principal.actor, input, { ifUnchangedSince })) };
  },
);

export const revokeCustomerEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/applications/{applicationId}/customers/{customerId}/revoke",
    operationId: "revokeCustomer",
    tag: TAG,
    summary: "Revoke a customer's license",
    description: "The license stops working at once: pulls in flight finish, new requests are refused.",
    minimumRole: "MEMBER",
    what: "revoke licenses",
    params: ZCustomerParams,
    response: ZCustomerResponse,
    errors: ["not_found", "already_revoked"],
    resource: CUSTOMER,
  },
  async ({ principal, params }) => {
    await existingCustomer(principal.team.id, params);
    return { data: toApi(await revokeCustomer(principal.team.id, principal.actor, params.customerId)) };
  },
);

export const restoreCustomerEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/applications/{applicationId}/customers/{customerId}/restore",
    operationId: "restoreCustomer",
    tag: TAG,
    summary: "Restore a revoked license",
    description: "The same license ID works again; regenerate it if it leaked.",
    minimumRole: "MEMBER",
    what: "restore licenses",
    params: ZCustomerParams,
    response: ZCustomerResponse,
    errors: ["not_found", "not_revoked"],
    resource: CUSTOMER,
  },
  async ({ principal, params }) => {
    await existingCustomer(principal.team.id, params);
    return { data: toApi(await restoreCustomer(principal.team.id, principal.actor, params.customerId)) };
  },
);

export const regenerateLicenseEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/applications/{applicationId}/customers/{customerId}/license",
    operationId: "regenerateLicense",
    tag: TAG,
    summary: "Regenerate a customer's license",
    description: "A new license ID, returned in the response; the old one stops working at once. Other customers are not affected.",
    minimumRole: "MEMBER",
    what: "regenerate licenses",
    params: ZCustomerParams,
    response: ZCustomerWithLicenseResponse,
    errors: ["not_found"],
    resource: CUSTOMER,
  },
  async ({ principal, params }) => {
    const customer = await existingCustomer(principal.team.id, params);
    const { licenseId } = await regenerateLicense(principal.team.id, principal.actor, customer.id);
    // Read again: the new license is a new version of the customer.
    return { data: { ...toApi(await existingCustomer(principal.team.id, params)), licenseId } };
  },
);
