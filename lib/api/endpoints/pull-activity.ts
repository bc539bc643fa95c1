import "server-only";
// Pull activity: the proxy registry's access log of an application, with the
// Pull activity page's filters (lib/pull-activity), and a customer's daily
// totals as its customer page shows them.
import { z } from "zod";
import { getApplication } from "@/lib/applications/service";
import { defineEndpoint } from "@/lib/api/endpoint";
import { dataOf, pageOf, ZApiDailyPullTotals, ZApiPullEvent, ZId, ZPageQuery } from "@/lib/api/schemas";
import { getCustomer } from "@/lib/customers/service";
import { NOT_FOUND } from "@/lib/http/result";
import { ZPullActivityQuery } from "@/lib/pull-activity/schema";
import { customerDailyTotals, listPullEventsPage, type PullEventView } from "@/lib/pull-activity/service";

const TAG = "Pull activity";
const MAX_DAYS = 90;

const toApi = (event: PullEventView) => ({ ...event, createdAt: event.createdAt.toISOString() });

export const listPullActivityEndpoint = defineEndpoint(
  {
    method: "get",
    path: "/applications/{applicationId}/pull-activity",
    operationId: "listPullActivity",
    tag: TAG,
    summary: "List an application's pull activity",
    description: "Every sign-in, manifest and layer request of the application's customers through the portal's registry, newest first, with the Pull activity page's filters.",
    minimumRole: "VIEWER",
    what: "read pull activity",
    params: z.object({ applicationId: ZId }),
    query: ZPageQuery.extend(ZPullActivityQuery.shape),
    response: pageOf(ZApiPullEvent, "PullEventPage"),
    errors: ["invalid_input", "not_found"],
  },
  async ({ principal, params, query }) => {
    if (!(await getApplication(principal.team.id, params.applicationId))) throw NOT_FOUND();
    const { limit, cursor, ...filters } = query;
    const page = await listPullEventsPage(principal.team.id, params.applicationId, filters, { limit, cursor });
    return { data: page.items.map(toApi), nextCursor: page.nextCursor };
  },
);

export const customerDailyTotalsEndpoint = defineEndpoint(
  {
    method: "get",
    path: "/applications/{applicationId}/customers/{customerId}/daily-totals",
    operationId: "getCustomerDailyTotals",
    tag: TAG,
    summary: "Get a customer's daily pull totals",
    description: "Per day (UTC) over the last `days` days, newest first; days without traffic are left out.",
    minimumRole: "VIEWER",
    what: "read pull activity",
    params: z.object({ applicationId: ZId, customerId: ZId }),
    query: z.object({
      days: z.coerce
        .number({ error: `days must be a number from 1 to ${MAX_DAYS}.` })
        .int({ error: `days must be a whole number from 1 to ${MAX_DAYS}.` })
        .min(1, { error: `days must be from 1 to ${MAX_DAYS}.` })
        .max(MAX_DAYS, { error: `days must be from 1 to ${MAX_DAYS}.` })
        .default(30)
        .meta({ description: `How many days back, today included (default 30, at most ${MAX_DAYS}).` }),
    }),
    response: dataOf(z.array(ZApiDailyPullTotals), "DailyPullTotalsList"),
    errors: ["invalid_input", "not_found"],
  },
  async ({ principal, params, query }) => {
    const customer = await getCustomer(principal.team.id, params.customerId);
    if (!customer || customer.applicationId !== params.applicationId) throw NOT_FOUND();
    return { data: await customerDailyTotals(principal.team.id, customer.id, query.days) };
  },
);
