import { describe, expect, it } from "vitest";
import { csvDownload, INCOMPLETE_EXPORT_MARKER } from "@/lib/http/csv-download";

async function* rows(failAfter: number): AsyncGenerator<string, void> {
  yield "a,b\r\n";
  for (let batch = 0; batch < 3; batch++) {
    if (batch === failAfter) throw new Error("22021: invalid byte sequence");
    yield `${batch},x\r\n`;
  }
}

describe("CSV downloads", () => {
  it("sends every row when nothing fails", async () => {
    const response = await csvDownload(rows(-1), "x.csv");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("a,b\r\n0,x\r\n1,x\r\n2,x\r\n");
  });

  it("answers an error, not a 200, when the first batch fails before any byte is sent", async () => {
    const response = await csvDownload(rows(0), "x.csv");
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("internal");
    expect(body.error.message).not.toMatch(/22021/);
  });

  it("ends a download that fails part-way with the incomplete-export line, never like a complete file", async () => {
    const response = await csvDownload(rows(2), "x.csv");
    expect(response.status).toBe(200);
    const lines = (await response.text()).trimEnd().split("\r\n");
    expect(lines.slice(0, 3)).toEqual(["a,b", "0,x", "1,x"]);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toContain(INCOMPLETE_EXPORT_MARKER);
    expect(lines[3]).toMatch(/request ID [0-9a-f-]{36}/);
  });
});
