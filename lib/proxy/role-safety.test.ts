import { describe, expect, it } from "vitest";
import { ensureRegistrySafe, type RoleSafetyState } from "@/lib/proxy/role-safety";

const CHECKED_ROLE = "arn:aws:iam::123456789012:role/PortalPull";

function loadedRow(roleArn: string): RoleSafetyState {
  return {
    id: "registry-1",
    teamId: "team-1",
    provider: "ecr",
    hostname: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
    authType: "iam_role",
    settings: { roleArn },
    negativeCheckTarget: CHECKED_ROLE,
    negativeCheckPassedAt: new Date(),
    updatedAt: new Date(),
  };
}

describe("the proxy's safety check of a registry", () => {
  it("judges every loaded row by its own settings: a row whose role changed since the check is refused, though an earlier row of the same registry passed", async () => {
    const checked = loadedRow(CHECKED_ROLE);
    await expect(ensureRegistrySafe(checked)).resolves.toBeUndefined();
    await expect(ensureRegistrySafe(checked)).resolves.toBeUndefined();
    await expect(ensureRegistrySafe(loadedRow("arn:aws:iam::123456789012:role/Other"))).rejects.toThrow(/not cleared for pulls/);
    await expect(ensureRegistrySafe({ ...checked, settings: {} })).rejects.toThrow(/not cleared for pulls/);
  });
});
