import { describe, expect, it } from "vitest";
import { readJsonBody } from "@/lib/http/json-body";

const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request("http://portal.test/api", { method: "POST", body, headers, duplex: "half" } as RequestInit);

describe("readJsonBody", () => {
  it("reads a JSON object", async () => {
    expect(await readJsonBody(post('{"image":"app:1.0"}'), 100)).toEqual({ ok: true, value: { image: "app:1.0" } });
  });

  it.each([
    ["malformed JSON", "{image:"],
    ["an empty body", ""],
    ["a JSON array", "[]"],
    ["a JSON string", '"x"'],
  ])("answers 400 for %s instead of treating it as empty", async (_what, body) => {
    expect(await readJsonBody(post(body), 100)).toMatchObject({ ok: false, status: 400 });
  });

  it("answers 413 for a body over the limit, declared or streamed", async () => {
    expect(await readJsonBody(post(JSON.stringify({ image: "a".repeat(200) })), 100)).toMatchObject({ ok: false, status: 413 });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(" ".repeat(50)));
        controller.close();
      },
    });
    expect(await readJsonBody(post(stream), 100)).toMatchObject({ ok: false, status: 413 });
  });
});
