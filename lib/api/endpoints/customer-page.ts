import "server-only";
// /applications/{applicationId}/customer-page: whether the application's
// customers may sign in to their own page, read and switched as on the
// Customers tab (lib/customer-portal/settings.ts, the switch's own schema).
import { z } from "zod";
import { defineEndpoint, type ResourceVersioning } from "@/lib/api/endpoint";
import { resourceVersion } from "@/lib/api/resource-version";
import { dataOf, ZId } from "@/lib/api/schemas";
import { ZCustomerPageSettingInput } from "@/lib/customer-portal/schema";
import { getCustomerPageSetting, setCustomerPageEnabled, type CustomerPageSetting } from "@/lib/customer-portal/settings";
import { NOT_FOUND } from "@/lib/http/result";

const TAG = "Applications";
const ZApplicationParams = z.object({ applicationId: ZId });

const ZApiCustomerPage = z
  .object({
    applicationId: ZId,
    enabled: z.boolean().meta({ description: "true: the application's customers sign in with their license ID and serve themselves. false: sign-in is refused and open sessions end at their next request." }),
    url: z.string().meta({ description: "Where customers sign in." }),
    updatedAt: z.iso.datetime().meta({ description: "When the application was last changed." }),
  })
  .meta({ id: "CustomerPageSetting", example: { applicationId: "cmapp0shop0000000000000001", enabled: true, url: "https://portal.example.com/customer", updatedAt: "2026-01-20T09:30:00.000Z" } });
const ZCustomerPageResponse = dataOf(ZApiCustomerPage, "CustomerPageSettingResponse");
const ZCustomerPageBody = ZCustomerPageSettingInput.omit({ applicationId: true }).meta({ id: "CustomerPageSettingInput" });

const pageVersion = (page: { applicationId: string; updatedAt: Date | string; enabled: boolean }) => resourceVersion({ id: page.applicationId, updatedAt: page.updatedAt, enabled: page.enabled });
const CUSTOMER_PAGE: ResourceVersioning<{ applicationId: string }, { data: { applicationId: string; updatedAt: string; enabled: boolean } }> = {
  current: async (teamId, params) => {
    const page = await getCustomerPageSetting(teamId, params.applicationId);
    return page && pageVersion(page);
  },
  ofResult: (result) => pageVersion(result.data),
};

const toApi = (page: CustomerPageSetting) => ({ ...page, updatedAt: page.updatedAt.toISOString() });

export const getCustomerPageEndpoint = defineEndpoint(
  {
    method: "get",
    path: "/applications/{applicationId}/customer-page",
    operationId: "getCustomerPage",
    tag: TAG,
    summary: "Get whether the customer page is on",
    minimumRole: "VIEWER",
    what: "read applications",
    params: ZApplicationParams,
    response: ZCustomerPageResponse,
    errors: ["not_found"],
    resource: CUSTOMER_PAGE,
  },
  async ({ principal, params }) => {
    const page = await getCustomerPageSetting(principal.team.id, params.applicationId);
    if (!page) throw NOT_FOUND();
    return { data: toApi(page) };
  },
);

export const updateCustomerPageEndpoint = defineEndpoint(
  {
    method: "put",
    path: "/applications/{applicationId}/customer-page",
    operationId: "updateCustomerPage",
    tag: TAG,
    summary: "Switch the customer page on or off",
    description: "Audit-logged when it changes. Switched off, customers can no longer sign in and their open sessions end at their next request; the proxy and download links already made keep working.",
    minimumRole: "MEMBER",
    what: "switch the customer page",
    params: ZApplicationParams,
    body: ZCustomerPageBody,
    response: ZCustomerPageResponse,
    errors: ["invalid_input", "not_found"],
    resource: CUSTOMER_PAGE,
  },
  async ({ principal, params, body, ifUnchangedSince }) => ({
    data: toApi(await setCustomerPageEnabled(principal.team.id, principal.actor, { applicationId: params.applicationId, enabled: body.enabled }, { ifUnchangedSince })),
  }),
);
