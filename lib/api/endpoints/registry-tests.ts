import "server-only";
// /registries/{registryId}/test: the same Test as the registry page's button
// (lib/registry-test/service.ts: the real STS and ECR calls, the team's rate
// limit, the result stored on the registry and in the audit log).
import { z } from "zod";
import { defineEndpoint } from "@/lib/api/endpoint";
import { dataOf, ZApiTestResult, ZId } from "@/lib/api/schemas";
import { ZRegistryTestInput } from "@/lib/registry-test/schema";
import { getLastTestResult, testRegistry } from "@/lib/registry-test/service";
import { getRegistry } from "@/lib/registries/service";
import { NOT_FOUND } from "@/lib/http/result";

const TAG = "Registry tests";
const ZRegistryParams = z.object({ registryId: ZId });

export const runRegistryTestEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/registries/{registryId}/test",
    operationId: "runRegistryTest",
    tag: TAG,
    summary: "Test a registry",
    description:
      "Runs the Test and answers when it has finished (up to about a minute): every step with what it found, a diagnosis naming the setup step to fix when one fails, and the verdict (verified, failing or unsafe). The registry's testStatus is updated. At most 10 tests per team per minute, shared with the portal's Test button.",
    minimumRole: "MEMBER",
    what: "test registries",
    params: ZRegistryParams,
    bodyExample: { image: "shop/api:3.1" },
    body: ZRegistryTestInput.meta({ id: "RegistryTestInput", description: "image: optionally, an image the Test must find, as repository:tag or repository@sha256:<digest>. Send {} to test only the login." }),
    response: dataOf(ZApiTestResult, "TestResultResponse"),
    errors: ["invalid_input", "not_found", "invalid_registry", "credentials_missing"],
  },
  async ({ principal, params, body }) => {
    const { result } = await testRegistry(principal.team, principal.actor, params.registryId, body);
    return { data: result };
  },
);

export const getLastRegistryTestEndpoint = defineEndpoint(
  {
    method: "get",
    path: "/registries/{registryId}/test",
    operationId: "getLastRegistryTest",
    tag: TAG,
    summary: "Get the last test result",
    description: "null when the registry has not been tested since its connection last changed.",
    minimumRole: "VIEWER",
    what: "read registry tests",
    params: ZRegistryParams,
    response: dataOf(z.union([ZApiTestResult, z.null()]), "LastTestResultResponse"),
    errors: ["not_found"],
  },
  async ({ principal, params }) => {
    if (!(await getRegistry(principal.team.id, params.registryId))) throw NOT_FOUND();
    return { data: await getLastTestResult(principal.team.id, params.registryId) };
  },
);
