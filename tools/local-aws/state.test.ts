// The emulator's state: kept in a JSON file across restarts when asked, and
// reset to the start-up accounts by tests.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CreateRoleCommand, GetRoleCommand } from "@aws-sdk/client-iam";
import { DescribeImagesCommand } from "@aws-sdk/client-ecr";
import { afterEach, describe, expect, it } from "vitest";
import { startLocalAws } from "./local-aws";
import { ACCOUNT_A, REGION, clients, expectAwsError, rootCredentials } from "./test-helpers";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: ACCOUNT_A.accountId }, Action: "sts:AssumeRole" }] });
const directories: string[] = [];

afterEach(() => {
  for (const directory of directories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
});

describe("local AWS state", () => {
  it("survives a restart when kept in a state file that only its owner can read", async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "local-aws-state-"));
    directories.push(directory);
    const stateFile = path.join(directory, "nested", "local-aws.json");
    const first = await startLocalAws({ port: 0, accounts: [ACCOUNT_A], stateFile });
    await clients(first.url, rootCredentials(ACCOUNT_A)).iam.send(new CreateRoleCommand({ RoleName: "Kept", AssumeRolePolicyDocument: TRUST }));
    const image = first.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "kept", tag: "1.0" });
    await first.close();
    expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);

    const second = await startLocalAws({ port: 0, accounts: [ACCOUNT_A], stateFile });
    try {
      const admin = clients(second.url, rootCredentials(ACCOUNT_A));
      expect((await admin.iam.send(new GetRoleCommand({ RoleName: "Kept" }))).Role!.RoleName).toBe("Kept");
      expect((await admin.ecr.send(new DescribeImagesCommand({ repositoryName: "kept" }))).imageDetails![0]!.imageDigest).toBe(image.digest);
    } finally {
      await second.close();
    }
  });

  it("forgets everything but the start-up accounts on POST /_local/reset", async () => {
    const aws = await startLocalAws({ port: 0, accounts: [ACCOUNT_A] });
    try {
      const admin = clients(aws.url, rootCredentials(ACCOUNT_A));
      await admin.iam.send(new CreateRoleCommand({ RoleName: "Forgotten", AssumeRolePolicyDocument: TRUST }));
      const reset = await fetch(`${aws.url}/_local/reset`, { method: "POST" });
      expect(reset.status).toBe(204);
      await expectAwsError(admin.iam.send(new GetRoleCommand({ RoleName: "Forgotten" })), { code: "NoSuchEntity", message: "The role with name Forgotten cannot be found.", status: 404 });
    } finally {
      await aws.close();
    }
  });
});
