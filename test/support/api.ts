import { env, exports } from "cloudflare:workers";
import type { ApiScope } from "../../worker/auth/scopes";

export const BASE = "http://localhost";

export interface Caller {
  cookie?: string;
  csrfToken?: string;
  key?: string;
}

export interface CallOptions {
  as?: Caller;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  base?: string;
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

let counter = 0;
/** Unique per call within a test file (storage is isolated per file). */
export const unique = (label: string) => `${label}${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function api<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined || opts.rawBody !== undefined) headers["content-type"] ??= "application/json";
  if (opts.as?.cookie) headers.cookie = opts.as.cookie;
  if (opts.as?.csrfToken) headers["x-csrf-token"] = opts.as.csrfToken;
  if (opts.as?.key) headers.authorization = `Bearer ${opts.as.key}`;
  const res = await exports.default.fetch(`${opts.base ?? BASE}/api/v1${path}`, {
    method,
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

export function sessionCookieFrom(res: ApiResponse): string {
  const setCookie = res.headers.get("set-cookie") ?? "";
  const match = /gf_session=([^;]+)/.exec(setCookie);
  if (!match) throw new Error(`no session cookie in response (status ${res.status}): ${setCookie}`);
  return `gf_session=${match[1]}`;
}

export interface Workspace {
  owner: Caller;
  email: string;
  password: string;
  workspace: { id: string; name: string; slug: string };
  user: { id: string; email: string; name: string };
}

export async function signUp(label = "acme"): Promise<Workspace> {
  const email = `${unique(label)}@example.com`;
  const password = "correct horse battery";
  const res = await api("POST", "/auth/signup", {
    body: { name: `${label} owner`, email, password, workspaceName: `${label} Inc`, workspaceSlug: unique(label) },
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    owner: { cookie: sessionCookieFrom(res), csrfToken: res.body.csrfToken },
    email,
    password,
    workspace: res.body.workspace,
    user: res.body.user,
  };
}

export async function createKey(as: Caller, scopes: ApiScope[], name = "test key"): Promise<{ id: string; secret: string }> {
  const res = await api("POST", "/api-keys", { as, body: { name, scopes } });
  if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.apiKey.id, secret: res.body.secret };
}

/** Invites `email` with `role` and accepts as a new account; returns the new member's session. */
export async function addMember(ws: Workspace, role: "owner" | "admin" | "editor" | "viewer", label = "member") {
  const email = `${unique(label)}@example.com`;
  const invite = await api("POST", "/invitations", { as: ws.owner, body: { email, role } });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
  const accepted = await api("POST", "/invitations/accept", {
    body: { token: invite.body.token, name: `${label} person`, password: "another good password" },
  });
  if (accepted.status !== 201) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const members = await api("GET", "/members", { as: ws.owner });
  const member = members.body.members.find((m: { email: string }) => m.email === email);
  return { as: { cookie: sessionCookieFrom(accepted), csrfToken: accepted.body.csrfToken } as Caller, email, memberId: member.id as string };
}

/** Row counts of every table, to prove a refused request changed nothing. */
export async function tableCounts(): Promise<Record<string, number>> {
  const tables = ["tenants", "users", "sessions", "memberships", "invitations", "api_keys", "audit_log", "apps", "sources", "properties", "records", "record_properties", "files", "schedules", "runs", "groups", "group_members", "group_membership_changes", "destinations", "exports", "destination_records"];
  const out: Record<string, number> = {};
  for (const t of tables) {
    const row = await env.DB.prepare(`select count(*) as n from ${t}`).first<{ n: number }>();
    out[t] = row!.n;
  }
  return out;
}

/** A fingerprint of all rows a workspace owns, for before/after comparisons. */
export async function workspaceSnapshot(tenantId: string): Promise<string> {
  const parts: unknown[] = [];
  parts.push((await env.DB.prepare("select * from tenants where id = ?").bind(tenantId).all()).results);
  for (const t of ["memberships", "invitations", "api_keys", "audit_log", "apps", "sources", "properties", "records", "record_properties", "files", "schedules", "runs", "groups", "group_membership_changes", "destinations", "exports"]) {
    parts.push((await env.DB.prepare(`select * from ${t} where tenant_id = ? order by id`).bind(tenantId).all()).results);
  }
  parts.push((await env.DB.prepare("select * from group_members where tenant_id = ? order by group_id, record_id").bind(tenantId).all()).results);
  parts.push(await storedObjects(`tenants/${tenantId}/`));
  return JSON.stringify(parts);
}

/** Keys, sizes and checksums of the R2 objects under a prefix: uploaded files are workspace data too. */
export async function storedObjects(prefix: string): Promise<string[]> {
  const listed = await env.FILES.list({ prefix });
  return listed.objects.map((o) => `${o.key} ${o.size} ${o.etag}`);
}

/** Polls a Run until it ends (complete, failed or stopped) and returns it as the API shows it. */
export async function waitForRun(as: Caller, runId: string) {
  for (let i = 0; i < 600; i++) {
    const run = (await api("GET", `/runs/${runId}`, { as })).body.run;
    if (!["draft", "running"].includes(run.state)) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Run ${runId} did not finish`);
}
