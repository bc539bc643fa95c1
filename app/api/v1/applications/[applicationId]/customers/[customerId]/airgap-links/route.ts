import { apiRoute } from "@/lib/api/route";
import { createAirGapLinkEndpoint } from "@/lib/api/endpoints/airgap-links";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(createAirGapLinkEndpoint);
