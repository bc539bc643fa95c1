import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { END_OF_ARCHIVE, paddingAfter, tarHeader } from "@/lib/airgap/tar";

describe("tar framing", () => {
  it("writes headers GNU tar lists and extracts with the fixed mode and mtime", () => {
    const data = Buffer.from("hello air gap\n");
    const archive = Buffer.concat([tarHeader("blobs/", 0, "directory"), tarHeader("blobs/file.txt", data.length, "file"), data, Buffer.alloc(paddingAfter(data.length)), END_OF_ARCHIVE]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-tar-"));
    try {
      fs.writeFileSync(path.join(dir, "a.tar"), archive);
      const listing = execFileSync("tar", ["-tvf", path.join(dir, "a.tar"), "--utc", "--numeric-owner"], { encoding: "utf8" });
      expect(listing).toContain("-rw-r--r-- 0/0              14 2000-01-01 00:00 blobs/file.txt");
      execFileSync("tar", ["-xf", path.join(dir, "a.tar"), "-C", dir]);
      expect(fs.readFileSync(path.join(dir, "blobs", "file.txt"), "utf8")).toBe("hello air gap\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("pads to whole blocks and writes sizes over 8 GiB in base-256", () => {
    expect(paddingAfter(512)).toBe(0);
    expect(paddingAfter(513)).toBe(511);
    const big = tarHeader("blobs/sha256/x", 10 * 1024 ** 3, "file");
    expect(big[124]).toBe(0x80);
    expect(big.readUIntBE(130, 6)).toBe(10 * 1024 ** 3);
    expect(tarHeader("a", 1, "file").equals(tarHeader("a", 1, "file"))).toBe(true);
  });
});
