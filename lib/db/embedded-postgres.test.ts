import pg from "pg";
import { describe, expect, it } from "vitest";
import { EMBEDDED_SHARED_BUFFERS } from "@/lib/db/embedded-postgres";

// The tests' database is the embedded server, started as `npm start` starts it (test/global-setup.ts).
describe("the embedded PostgreSQL server", () => {
  it("runs with the portal's shared buffers, not PostgreSQL's 128 MB default", async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ shared_buffers: string }>("SHOW shared_buffers");
      expect(rows[0]?.shared_buffers).toBe(EMBEDDED_SHARED_BUFFERS);
    } finally {
      await client.end();
    }
  });
});
