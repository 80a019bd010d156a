import { describe, expect, it } from "vitest";
import { MAX_JSON_BODY_BYTES } from "../../worker/app";
import { api, signUp, tableCounts, unique, type ApiResponse } from "../support/api";

const goodSignUp = () => ({
  name: "Bad Input",
  email: `${unique("bad")}@example.com`,
  password: "long enough password",
  workspaceName: "Bad Input Co",
  workspaceSlug: unique("bad"),
});

/** Each case must answer with the one error shape and leave every table as it was. */
async function expectRefused(request: () => Promise<ApiResponse>, status: number, code: string) {
  const before = await tableCounts();
  const res = await request();
  expect(res.status).toBe(status);
  expect(Object.keys(res.body)).toEqual(["error"]);
  expect(Object.keys(res.body.error).sort()).toEqual(["code", "details", "message"]);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message.length).toBeGreaterThan(10);
  expect(res.headers.get("x-request-id")).toBeTruthy();
  expect(await tableCounts()).toEqual(before);
  return res;
}

describe("bad input changes nothing and says what is wrong", () => {
  it("malformed JSON → 400 invalid_json", async () => {
    await expectRefused(() => api("POST", "/auth/signup", { rawBody: '{"name": "x",' }), 400, "invalid_json");
  });

  it("a body that is not declared as JSON → 415", async () => {
    await expectRefused(() => api("POST", "/auth/signup", { rawBody: JSON.stringify(goodSignUp()), headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type");
  });

  it("wrong types → 400 naming each field", async () => {
    const res = await expectRefused(() => api("POST", "/auth/signup", { body: { ...goodSignUp(), email: 42, password: "short" } }), 400, "invalid_request");
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["email", "password"]));
    expect(res.body.error.message).toMatch(/email|password/);
  });

  it("unknown fields → 400", async () => {
    const res = await expectRefused(() => api("POST", "/auth/signup", { body: { ...goodSignUp(), isAdmin: true } }), 400, "invalid_request");
    expect(JSON.stringify(res.body.error.details)).toContain("isAdmin");
  });

  it("a bad workspace address → 400 with the rule", async () => {
    const res = await expectRefused(() => api("POST", "/auth/signup", { body: { ...goodSignUp(), workspaceSlug: "-Bad Slug!" } }), 400, "invalid_request");
    expect(res.body.error.message).toMatch(/workspaceSlug/);
  });

  it("an oversized body → 413", async () => {
    const huge = JSON.stringify({ ...goodSignUp(), name: "x".repeat(MAX_JSON_BODY_BYTES) });
    await expectRefused(() => api("POST", "/auth/signup", { rawBody: huge }), 413, "payload_too_large");
  });

  it("missing authentication → 401", async () => {
    await expectRefused(() => api("GET", "/members"), 401, "unauthenticated");
    await expectRefused(() => api("POST", "/invitations", { body: { email: "a@example.com", role: "viewer" } }), 401, "unauthenticated");
  });

  it("a malformed or unknown API key → 401, never a fall-back to the cookie", async () => {
    const ws = await signUp("keyfallback");
    await expectRefused(() => api("GET", "/workspace", { as: { cookie: ws.owner.cookie, key: "gf_live_nope" } }), 401, "unauthenticated");
    await expectRefused(() => api("GET", "/workspace", { as: { key: `gf_live_abcdefghjk_${"a".repeat(32)}` } }), 401, "unauthenticated");
  });

  it("duplicate email or slug → 409", async () => {
    const ws = await signUp("conflict");
    await expectRefused(() => api("POST", "/auth/signup", { body: { ...goodSignUp(), email: ws.email } }), 409, "conflict");
    await expectRefused(() => api("POST", "/workspaces", { as: ws.owner, body: { name: "Again", slug: ws.workspace.slug } }), 409, "conflict");
  });

  it("a query parameter out of range → 400", async () => {
    const ws = await signUp("query");
    await expectRefused(() => api("GET", "/audit-log?limit=100000", { as: ws.owner }), 400, "invalid_request");
    await expectRefused(() => api("GET", "/audit-log?cursor=not-a-cursor", { as: ws.owner }), 400, "invalid_request");
    await expectRefused(() => api("GET", "/audit-log?sort=evil", { as: ws.owner }), 400, "invalid_request");
  });

  it("unknown routes and malformed ids → 404 in the same shape", async () => {
    const ws = await signUp("routes");
    await expectRefused(() => api("GET", "/no-such-thing", { as: ws.owner }), 404, "not_found");
    await expectRefused(() => api("DELETE", "/api-keys/../../tenants", { as: ws.owner }), 404, "not_found");
    await expectRefused(() => api("PATCH", "/members/mem_short", { as: ws.owner, body: { role: "viewer" } }), 404, "not_found");
  });

  it("an empty update → 400", async () => {
    const ws = await signUp("empty");
    await expectRefused(() => api("PATCH", "/workspace", { as: ws.owner, body: {} }), 400, "invalid_request");
  });
});
