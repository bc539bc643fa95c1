// `npm run api:lint`: Redocly's recommended ruleset on the OpenAPI document,
// built for APP_URL (a production-like address when unset: the ruleset flags
// a localhost server). Exits 1 on any error or warning.
import { lintOpenApiDocument } from "../test/support/openapi-lint";

process.env.NEXTAUTH_SECRET ??= "api-lint-placeholder-secret-000000000000000";
process.env.DATA_ENCRYPTION_KEY ??= "unused";
process.env.APP_URL ??= "https://portal.vendor.test";
const { buildOpenApiDocument } = await import("@/lib/api/openapi");
const problems = await lintOpenApiDocument(buildOpenApiDocument());
for (const problem of problems) console.log(`${problem.severity} ${problem.ruleId} ${problem.pointer}: ${problem.message}`);
console.log(problems.length === 0 ? "openapi.json: no problems in Redocly's recommended ruleset" : `openapi.json: ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
