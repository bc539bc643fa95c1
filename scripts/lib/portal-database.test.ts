import { describe, expect, it } from "vitest";
import { describeFailure } from "./portal-database";

describe("start-up failure messages", () => {
  it("never say undefined when the embedded server rejects without a reason", () => {
    expect(describeFailure(undefined)).toBe("the server stopped without giving a reason");
    expect(describeFailure(undefined, "FATAL:  lock file \"postmaster.pid\" already exists")).toBe('PostgreSQL said: FATAL:  lock file "postmaster.pid" already exists');
    expect(describeFailure(new Error(""), "  ")).not.toContain("undefined");
  });

  it("keep the first line of an error's message", () => {
    expect(describeFailure(new Error("connect ECONNREFUSED 127.0.0.1:5432\n    at stack"))).toBe("connect ECONNREFUSED 127.0.0.1:5432");
    expect(describeFailure("plain text")).toBe("plain text");
  });
});
