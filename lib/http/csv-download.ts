// A CSV download streamed from an async generator of text chunks (each a
// batch of rows from the database), never held whole in memory.

export function csvDownload(rows: AsyncGenerator<string, void>, filename: string): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await rows.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        controller.error(error);
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

/** Today's date for a download's file name, e.g. 2026-11-26. */
export function downloadDay(): string {
  return new Date().toISOString().slice(0, 10);
}
