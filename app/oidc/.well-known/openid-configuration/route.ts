import { publishedDocumentResponse } from "@/lib/oidc/published-response";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return publishedDocumentResponse(request, (snapshot) => snapshot.discovery);
}
