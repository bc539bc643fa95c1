// A CSV download streamed from an async generator of text chunks (each a
// batch of rows from the database), never held whole in memory.
//
// A download must never look complete when it is not. The route validates
// its filters before calling this (a bad filter is a 400), and the header row
// and the first batch are read before the response starts, so a failure there
// is an ordinary error response instead of a "200". A failure after the first
// byte (the database going away mid-export) is logged with the request ID and
// the file ends with INCOMPLETE_EXPORT_MARKER's line instead of more rows
// (docs/security.md): a script can check the last line, a person sees it at
// the bottom of the sheet.
import { errorCodeToHttpStatus } from "@/lib/http/error-codes";
import { currentRequestId } from "@/lib/http/request-context";
import { log } from "@/lib/log";

/** The first cell of the last line of an export that failed part-way. */
export const INCOMPLETE_EXPORT_MARKER = "#ERROR: EXPORT INCOMPLETE";

export function incompleteExportLine(requestId: string): string {
  return `"${INCOMPLETE_EXPORT_MARKER}: the export stopped early because of an error on the portal's side; rows are missing. Download it again; if it keeps happening, contact support with request ID ${requestId}."\r\n`;
}

export async function csvDownload(rows: AsyncGenerator<string, void>, filename: string): Promise<Response> {
  const requestId = currentRequestId();
  const encoder = new TextEncoder();
  let head: string;
  try {
    head = await readAhead(rows, 2);
  } catch (error) {
    log.error({ err: error, requestId, filename }, "csv export failed before its first byte");
    await rows.return(undefined).catch(() => {});
    const message = `The export failed on our side before any row was sent. Please try again; if it keeps happening, contact support with request ID ${requestId}.`;
    return Response.json({ ok: false, error: { code: "internal", message } }, { status: errorCodeToHttpStatus("internal"), headers: { "cache-control": "no-store" } });
  }
  let sentHead = false;
  let chunks = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentHead) {
        sentHead = true;
        controller.enqueue(encoder.encode(head));
        return;
      }
      try {
        const next = await rows.next();
        if (next.done) return controller.close();
        chunks++;
        controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        log.error({ err: error, requestId, filename, chunksAfterFirst: chunks }, "csv export failed after its first byte: ended with the incomplete-export line");
        controller.enqueue(encoder.encode(incompleteExportLine(requestId)));
        controller.close();
      }
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

/** Up to `count` chunks joined, read before the response starts. */
async function readAhead(rows: AsyncGenerator<string, void>, count: number): Promise<string> {
  let text = "";
  for (let index = 0; index < count; index++) {
    const next = await rows.next();
    if (next.done) break;
    text += next.value;
  }
  return text;
}

/** Today's date for a download's file name, e.g. 2026-11-26. */
export function downloadDay(): string {
  return new Date().toISOString().slice(0, 10);
}
