// A registry whose hostname can only lead into the portal's own network is
// refused when it is saved, next to the hostname field, not only when the
// Test or a pull would connect, unless the operator's override names it.
import { afterEach, describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth/service";
import { resetEnvCache } from "@/lib/env";
import { UserFacingError } from "@/lib/http/result";
import { ZCreateRegistryInput, ZUpdateRegistryInput } from "@/lib/registries/schema";
import { createRegistry, updateRegistry } from "@/lib/registries/service";

const unique = () => Math.random().toString(36).slice(2, 10);
const generic = (hostname: string) => ({ name: "", allApplications: true, applicationIds: [], provider: "generic", hostname, authType: "anonymous" });

async function newTeam() {
  const email = `internal-${unique()}@example.com`;
  const { userId, teamId } = await signUp({ name: "Int", email, password: "a long enough passphrase", teamName: "Internal" });
  return { teamId, actor: { userId, email } };
}

async function refusal(promise: Promise<unknown>): Promise<UserFacingError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserFacingError);
  return error as UserFacingError;
}

afterEach(() => {
  delete process.env.REGISTRY_ENDPOINT_OVERRIDES;
  resetEnvCache();
});

describe("registry hostnames inside the portal's network", () => {
  it.each([
    ["loopback", "127.0.0.1"],
    ["loopback with a port", "127.0.0.1:5000"],
    ["localhost", "localhost:5000"],
    ["a .localhost name", "registry.localhost"],
    ["a private address", "10.1.2.3"],
    ["another private address", "192.168.0.10:8443"],
    ["link-local, the cloud metadata address", "169.254.169.254"],
    ["Google's metadata name", "metadata.google.internal"],
  ])("refuses %s at save time, on the hostname field", async (_what, hostname) => {
    const { teamId, actor } = await newTeam();
    const error = await refusal(createRegistry(teamId, actor, ZCreateRegistryInput.parse(generic(hostname))));
    expect(error.fieldErrors?.hostname).toMatch(/the portal never connects there\. .*REGISTRY_ENDPOINT_OVERRIDES/);
  });

  it("refuses an internal hostname on edit too", async () => {
    const { teamId, actor } = await newTeam();
    const registry = await createRegistry(teamId, actor, ZCreateRegistryInput.parse(generic("harbor.example.com")));
    const error = await refusal(updateRegistry(teamId, actor, ZUpdateRegistryInput.parse({ ...generic("169.254.169.254"), registryId: registry.id, replaceAccessKey: false })));
    expect(error.fieldErrors?.hostname).toMatch(/reserved address/);
  });

  it("accepts one the operator's override names, and public hostnames", async () => {
    const { teamId, actor } = await newTeam();
    process.env.REGISTRY_ENDPOINT_OVERRIDES = "127.0.0.1:5000=http://127.0.0.1:5000";
    resetEnvCache();
    expect(await createRegistry(teamId, actor, ZCreateRegistryInput.parse(generic("127.0.0.1:5000")))).toMatchObject({ hostname: "127.0.0.1:5000" });
    expect(await createRegistry(teamId, actor, ZCreateRegistryInput.parse(generic("harbor.example.com:8443")))).toMatchObject({ hostname: "harbor.example.com:8443" });
  });
});
