// CSV for the pull activity export. Several columns (user agent, repository,
// tag) are chosen by whoever pulls, so cells that a spreadsheet would run as
// a formula are defused (OWASP "CSV injection").

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | bigint | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly (string | number | bigint | null | undefined)[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
