// `npm run api:types`: regenerates test/support/api-schema.d.ts, the types of
// the generated API client, from the OpenAPI document the portal serves.
import fs from "node:fs";
import { API_TYPES_FILE, generateApiTypes } from "../test/support/api-types";

// The document's paths and schemas do not depend on the configuration; these
// only let the environment validate.
process.env.NEXTAUTH_SECRET ??= "api-types-generation-placeholder-secret-0000";
process.env.DATA_ENCRYPTION_KEY ??= "unused";
const { buildOpenApiDocument } = await import("@/lib/api/openapi");
fs.writeFileSync(API_TYPES_FILE, await generateApiTypes(buildOpenApiDocument()));
console.log(`wrote ${API_TYPES_FILE.pathname}`);
