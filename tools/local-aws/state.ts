// Everything the local AWS knows, as plain JSON so that it can be saved to a
// state file and loaded again. Accounts are seeded from the start-up options;
// everything else is created through the APIs (or the fixture helper).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { StoredBlob } from "./blob-data";

export interface LocalAwsAccount {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface OidcProvider {
  arn: string;
  /** As given to CreateOpenIDConnectProvider, with its scheme. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  createDate: string;
  tags: { Key: string; Value: string }[];
}

export interface IamEntityPolicies {
  inlinePolicies: Record<string, string>;
  attachedPolicyArns: string[];
}

export interface Role extends IamEntityPolicies {
  name: string;
  id: string;
  arn: string;
  path: string;
  assumeRolePolicy: string;
  maxSessionDuration: number;
  description?: string;
  createDate: string;
}

export interface User extends IamEntityPolicies {
  name: string;
  id: string;
  arn: string;
  path: string;
  createDate: string;
}

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  /** null for the account's root key. */
  userName: string | null;
  status: "Active" | "Inactive";
  createDate: string;
}

/** Temporary credentials from AssumeRole / AssumeRoleWithWebIdentity. */
export interface RoleSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number;
  accountId: string;
  roleName: string;
  roleId: string;
  sessionName: string;
}

export interface Image {
  digest: string;
  mediaType: string;
  manifest: string;
  tags: string[];
  pushedAt: number;
  sizeInBytes: number;
}

export interface Repository {
  accountId: string;
  region: string;
  name: string;
  arn: string;
  createdAt: number;
  policy?: string;
  images: Image[];
  /** Blobs (config and layers) by digest: base64, or synthetic (blob-data.ts). */
  blobs: Record<string, StoredBlob>;
}

/** An ECR authorization token's password, bound to who asked for it. */
export interface RegistryAuthToken {
  password: string;
  accountId: string;
  region: string;
  principalArn: string;
  /** The access key the token was issued to, to find the principal's policies at use time. */
  accessKeyId: string;
  expiresAt: number;
}

export interface AccountState {
  accountId: string;
  providers: Record<string, OidcProvider>;
  roles: Record<string, Role>;
  users: Record<string, User>;
}

export interface LocalAwsState {
  version: 1;
  accounts: Record<string, AccountState>;
  accessKeys: Record<string, AccessKey>;
  sessions: Record<string, RoleSession>;
  repositories: Record<string, Repository>;
  authTokens: Record<string, RegistryAuthToken>;
}

export function createState(accounts: LocalAwsAccount[], now = Date.now()): LocalAwsState {
  const state: LocalAwsState = { version: 1, accounts: {}, accessKeys: {}, sessions: {}, repositories: {}, authTokens: {} };
  seedAccounts(state, accounts, now);
  return state;
}

/** Makes sure every start-up account and its root key exist (also in a loaded state). */
export function seedAccounts(state: LocalAwsState, accounts: LocalAwsAccount[], now = Date.now()): void {
  for (const account of accounts) {
    if (!/^\d{12}$/.test(account.accountId)) throw new Error(`account ID ${account.accountId} must be 12 digits`);
    state.accounts[account.accountId] ??= { accountId: account.accountId, providers: {}, roles: {}, users: {} };
    state.accessKeys[account.accessKeyId] = {
      accessKeyId: account.accessKeyId,
      secretAccessKey: account.secretAccessKey,
      accountId: account.accountId,
      userName: null,
      status: "Active",
      createDate: new Date(now).toISOString(),
    };
  }
}

export function repositoryKey(accountId: string, region: string, name: string): string {
  return `${accountId}/${region}/${name}`;
}

export function loadState(file: string): LocalAwsState | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as LocalAwsState;
  if (parsed.version !== 1) throw new Error(`${file} is not a local AWS state file (version ${String(parsed.version)})`);
  return parsed;
}

/** Written atomically and readable only by the owner: it holds secret keys. */
export function saveState(file: string, state: LocalAwsState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
  fs.renameSync(temporary, file);
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** IAM-style unique IDs and access key IDs: a prefix and upper-case base32. */
export function iamId(prefix: "AROA" | "AIDA" | "AKIA" | "ASIA"): string {
  // Access key IDs are 20 characters, role and user IDs 21.
  const bytes = randomBytes(prefix === "AKIA" || prefix === "ASIA" ? 16 : 17);
  return prefix + Array.from(bytes, (byte) => ID_ALPHABET[byte % 32]).join("");
}

export function secretKey(): string {
  return randomBytes(30).toString("base64").replace(/[+/]/g, "A").slice(0, 40);
}

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
