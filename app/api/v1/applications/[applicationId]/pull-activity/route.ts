import { listPullActivityEndpoint } from "@/lib/api/endpoints/pull-activity";

export const dynamic = "force-dynamic";
export const GET = listPullActivityEndpoint.handler;
