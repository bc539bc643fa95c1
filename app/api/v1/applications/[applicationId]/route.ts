import { deleteApplicationEndpoint, getApplicationEndpoint, renameApplicationEndpoint } from "@/lib/api/endpoints/applications";

export const dynamic = "force-dynamic";
export const GET = getApplicationEndpoint.handler;
export const PATCH = renameApplicationEndpoint.handler;
export const DELETE = deleteApplicationEndpoint.handler;
