import { describe, expect, it } from "vitest";
import { formatBytes } from "@/lib/pull-activity/format";

describe("formatBytes", () => {
  it("uses binary units with one decimal below ten", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(256 * 1024 * 1024)).toBe("256 MiB");
    expect(formatBytes(3 * 1024 ** 4)).toBe("3.0 TiB");
  });
});
