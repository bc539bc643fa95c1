// What the REST API's integration tests share: the API served over real HTTP
// (api-server.ts) with a `call` bound to it, and vendor teams signed up
// through the portal's own services with one API token per role.
import { afterAll, beforeAll } from "vitest";
import { createApiToken } from "@/lib/api-tokens/service";
import { signUp } from "@/lib/auth/service";
import type { TeamRole } from "@/lib/teams/roles";
import { startApiServer, type ApiServer } from "@/test/support/api-server";

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body as JSON (null when empty or not JSON); checked field by field by the tests, the generated client's types in client-journey.test.ts. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export type ApiCall = (token: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiAnswer>;

export interface TestApi {
  /** The server, once beforeAll has run. */
  readonly server: ApiServer;
  call: ApiCall;
}

/**
 * Starts the API server before the file's tests (after `before`, e.g. an
 * isolated database) and stops it after them. A body that is a string is
 * sent as it is (malformed JSON); anything else as JSON.
 */
export function apiServerForFile(before?: () => Promise<unknown>): TestApi {
  let server: ApiServer | undefined;
  beforeAll(async () => {
    await before?.();
    server = await startApiServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  const api: TestApi = {
    get server() {
      if (!server) throw new Error("the API server starts in beforeAll");
      return server;
    },
    call: async (token, method, path, body, headers = {}) => {
      const response = await fetch(`${api.server.baseUrl}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
        ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
  };
  return api;
}

export interface ApiTeam {
  teamId: string;
  admin: { userId: string; email: string };
  /** One token per role, named "<label>-admin", "<label>-member", "<label>-viewer". */
  tokens: Record<TeamRole, string>;
}

let counter = 0;

/** A new vendor team (its admin signed up with a unique email) and its tokens. */
export async function newApiTeam(label: string): Promise<ApiTeam> {
  const email = `api-${label}-${process.pid}-${++counter}@example.com`;
  const { userId, teamId } = await signUp({ name: label, email, password: "a long enough passphrase", teamName: `API ${label}` });
  const admin = { userId, email };
  const tokens = {} as Record<TeamRole, string>;
  for (const role of ["ADMIN", "MEMBER", "VIEWER"] as const) tokens[role] = await newApiToken({ teamId, admin }, role, `${label}-${role.toLowerCase()}`);
  return { teamId, admin, tokens };
}

/** One more token of the team, created by its admin. */
export async function newApiToken(team: Pick<ApiTeam, "teamId" | "admin">, role: TeamRole, name: string): Promise<string> {
  return (await createApiToken(team.teamId, { userId: team.admin.userId, role: "ADMIN" }, team.admin, { name, role, expiresInDays: null })).token;
}
