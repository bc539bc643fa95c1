import { describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { registryClearedForPulls } from "@/lib/registries/pull-readiness";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";

const ROLE = "arn:aws:iam::123456789012:role/Pull";

describe("registryClearedForPulls (real Postgres)", () => {
  it("is false until the negative check passed for the current role ARN, and null without a role", async () => {
    const email = `ready-${Math.random().toString(36).slice(2, 10)}@example.com`;
    const { userId, teamId } = await signUp({ name: "Ready", email, password: "a long enough passphrase", teamName: "Ready" });
    const base = { provider: "ecr", name: "", hostname: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", allApplications: true, applicationIds: [] };
    const iam = await createRegistry(teamId, { userId, email }, ZCreateRegistryInput.parse({ ...base, authType: "iam_role", roleArn: ROLE, accessKeyId: "", secretAccessKey: "" }));
    expect(await registryClearedForPulls(teamId, iam)).toBe(false);
    await prisma.registry.update({ where: { id: iam.id }, data: { negativeCheckTarget: "arn:aws:iam::123456789012:role/Old", negativeCheckPassedAt: new Date() } });
    expect(await registryClearedForPulls(teamId, iam)).toBe(false);
    await prisma.registry.update({ where: { id: iam.id }, data: { negativeCheckTarget: ROLE } });
    expect(await registryClearedForPulls(teamId, iam)).toBe(true);
    // Another team asking about this registry learns nothing.
    expect(await registryClearedForPulls("another-team", iam)).toBe(false);
    const keyed = await createRegistry(teamId, { userId, email }, ZCreateRegistryInput.parse({ ...base, name: "keyed", authType: "access_key", roleArn: "", accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x".repeat(40) }));
    expect(await registryClearedForPulls(teamId, keyed)).toBeNull();
  });
});
