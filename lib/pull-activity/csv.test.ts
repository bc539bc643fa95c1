import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "@/lib/pull-activity/csv";

describe("csv", () => {
  it("quotes separators, quotes and line breaks", () => {
    expect(csvRow(["a,b", 'say "hi"', "line\nbreak", 3, null])).toBe('"a,b","say ""hi""","line\nbreak",3,\r\n');
  });

  it("defuses cells a spreadsheet would run as formulas", () => {
    expect(csvCell("=HYPERLINK(\"http://evil\")")).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-cmd")).toBe("'-cmd");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=1")).toBe("'\t=1");
  });

  it("leaves numbers alone, negative ones included", () => {
    expect(csvCell(-1)).toBe("-1");
    expect(csvCell(12n)).toBe("12");
  });
});
