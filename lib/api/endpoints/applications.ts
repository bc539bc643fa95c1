import "server-only";
// /applications: the team's applications, through lib/applications/service.ts.
import { z } from "zod";
import { ZCreateApplicationInput, ZRenameApplicationInput } from "@/lib/applications/schema";
import { createApplication, deleteApplication, getApplication, listApplicationsPage, renameApplication } from "@/lib/applications/service";
import { defineEndpoint, type ResourceVersioning } from "@/lib/api/endpoint";
import { mergePatchOntoInput } from "@/lib/api/merge-patch";
import { mergePatchSchemaOf } from "@/lib/api/merge-patch-schema";
import { resourceVersion } from "@/lib/api/resource-version";
import { dataOf, pageOf, ZApiApplication, ZId, ZPageQuery } from "@/lib/api/schemas";
import { NOT_FOUND, parseInput } from "@/lib/http/result";

const TAG = "Applications";
const ZApplicationParams = z.object({ applicationId: ZId });
const ZApplicationResponse = dataOf(ZApiApplication, "ApplicationResponse");
/** The rename form's schema, without the ID the path carries. */
const ZRenameApplicationBody = ZRenameApplicationInput.omit({ applicationId: true });
const APPLICATION_PATCH = mergePatchSchemaOf(ZRenameApplicationBody, "ApplicationPatch", "A JSON merge patch: the fields to change.");

const applicationVersion = (application: { id: string; updatedAt: Date | string }) => resourceVersion({ id: application.id, updatedAt: application.updatedAt });
const APPLICATION: ResourceVersioning<{ applicationId: string }, { data: { id: string; updatedAt: string } }> = {
  current: async (teamId, params) => {
    const application = await getApplication(teamId, params.applicationId);
    return application && applicationVersion(application);
  },
  ofResult: (result) => applicationVersion(result.data),
};

type ApplicationRow = { id: string; name: string; slug: string; createdAt: Date; updatedAt: Date };
const toApi = (application: ApplicationRow) => ({ ...application, createdAt: application.createdAt.toISOString(), updatedAt: application.updatedAt.toISOString() });

export const listApplicationsEndpoint = defineEndpoint(
  { method: "get", path: "/applications", operationId: "listApplications", tag: TAG, summary: "List applications", description: "Oldest first.", minimumRole: "VIEWER", what: "list applications", query: ZPageQuery, response: pageOf(ZApiApplication, "ApplicationPage"), errors: ["invalid_input"] },
  async ({ principal, query }) => {
    const page = await listApplicationsPage(principal.team.id, query);
    return { data: page.items.map(toApi), nextCursor: page.nextCursor };
  },
);

export const createApplicationEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/applications",
    operationId: "createApplication",
    tag: TAG,
    summary: "Create an application",
    description: "The slug is derived from the name and stays when the application is renamed.",
    minimumRole: "MEMBER",
    what: "create applications",
    body: ZCreateApplicationInput.meta({ id: "CreateApplicationInput" }),
    bodyExample: { name: "Shop" },
    response: ZApplicationResponse,
    successStatus: 201,
    errors: ["invalid_input"],
    resource: APPLICATION,
  },
  async ({ principal, body }) => ({ data: toApi(await createApplication(principal.team.id, principal.actor, body)) }),
);

export const getApplicationEndpoint = defineEndpoint(
  { method: "get", path: "/applications/{applicationId}", operationId: "getApplication", tag: TAG, summary: "Get an application", minimumRole: "VIEWER", what: "read applications", params: ZApplicationParams, response: ZApplicationResponse, errors: ["not_found"], resource: APPLICATION },
  async ({ principal, params }) => {
    const application = await getApplication(principal.team.id, params.applicationId);
    if (!application) throw NOT_FOUND();
    return { data: toApi(application) };
  },
);

export const renameApplicationEndpoint = defineEndpoint(
  {
    method: "patch",
    path: "/applications/{applicationId}",
    operationId: "renameApplication",
    tag: TAG,
    summary: "Rename an application",
    description: "A JSON merge patch (application/merge-patch+json) with the new name. Its slug, and so its links, stay the same.",
    minimumRole: "MEMBER",
    what: "rename applications",
    params: ZApplicationParams,
    body: APPLICATION_PATCH.schema,
    bodyExample: { name: "Shop EU" },
    validateBody: false,
    response: ZApplicationResponse,
    errors: ["invalid_input", "not_found"],
    resource: APPLICATION,
  },
  async ({ principal, params, rawBody, ifUnchangedSince }) => {
    const current = await getApplication(principal.team.id, params.applicationId);
    if (!current) throw NOT_FOUND();
    const merged = mergePatchOntoInput({ name: current.name }, rawBody, APPLICATION_PATCH.fields);
    const input = parseInput(ZRenameApplicationInput, { ...merged, applicationId: current.id });
    return { data: toApi(await renameApplication(principal.team.id, principal.actor, input, { ifUnchangedSince })) };
  },
);

export const deleteApplicationEndpoint = defineEndpoint(
  { method: "delete", path: "/applications/{applicationId}", operationId: "deleteApplication", tag: TAG, summary: "Delete an application", minimumRole: "MEMBER", what: "delete applications", params: ZApplicationParams, errors: ["not_found"], resource: APPLICATION },
  async ({ principal, params, ifUnchangedSince }) => {
    await deleteApplication(principal.team.id, principal.actor, params.applicationId, { ifUnchangedSince });
  },
);
