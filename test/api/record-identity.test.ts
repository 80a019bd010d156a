import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { TenantScope } from "../../worker/db/tenant-scope";
import { resolveRecord } from "../../worker/services/record-identity";
import { api } from "../support/api";
import { sampleWorkspace } from "../support/sample-workspace";

let scope: TenantScope;
let emailId: string;
let userIdId: string;

const count = async (sql: string, ...args: unknown[]) => (await env.DB.prepare(sql).bind(...args).first<{ n: number }>())!.n;

beforeAll(async () => {
  const { ws, usersSource: source } = await sampleWorkspace("identity", 10);
  emailId = source.identity.propertyId;
  userIdId = (await api("POST", "/properties", { as: ws.owner, body: { key: "user_id", type: "integer", unique: true, sourceId: source.id, column: "id" } })).body.property.id;
  scope = new TenantScope(createDb(env.DB), ws.workspace.id);
});

describe("one Record per person", () => {
  it("creates a Record for new values and finds it again by any of them", async () => {
    const first = await resolveRecord(scope, [{ propertyId: emailId, value: "ada@example.com" }, { propertyId: userIdId, value: "1" }], { create: true });
    expect(first.kind).toBe("created");
    const byEmail = await resolveRecord(scope, [{ propertyId: emailId, value: "ada@example.com" }], { create: true });
    const byUserId = await resolveRecord(scope, [{ propertyId: userIdId, value: "1" }], { create: false });
    expect(byEmail).toEqual({ kind: "found", recordId: (first as { recordId: string }).recordId });
    expect(byUserId).toEqual(byEmail);
  });

  it("never creates two Records when the same new person arrives many times at once", async () => {
    const values = [{ propertyId: emailId, value: "grace@example.com" }, { propertyId: userIdId, value: "2" }];
    const results = await Promise.all(Array.from({ length: 12 }, () => resolveRecord(scope, values, { create: true })));
    const ids = new Set(results.map((r) => (r as { recordId: string }).recordId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.kind === "created")).toHaveLength(1);
    const [recordId] = ids;
    expect(await count("select count(*) as n from record_identities where record_id = ?", recordId)).toBe(2);
    expect(await count("select count(*) as n from records r where not exists (select 1 from record_identities i where i.record_id = r.id)")).toBe(0);
  });

  it("leaves unknown people alone when the caller may not create Records", async () => {
    const before = await count("select count(*) as n from records");
    expect(await resolveRecord(scope, [{ propertyId: emailId, value: "nobody@example.com" }], { create: false })).toEqual({ kind: "unknown" });
    expect(await resolveRecord(scope, [], { create: true })).toEqual({ kind: "unknown" });
    expect(await count("select count(*) as n from records")).toBe(before);
  });

  it("reports values that belong to two Records, so they can be merged", async () => {
    const a = await resolveRecord(scope, [{ propertyId: emailId, value: "a@example.com" }], { create: true });
    const b = await resolveRecord(scope, [{ propertyId: userIdId, value: "99" }], { create: true });
    const both = await resolveRecord(scope, [{ propertyId: emailId, value: "a@example.com" }, { propertyId: userIdId, value: "99" }], { create: true });
    expect(both.kind).toBe("ambiguous");
    expect(new Set((both as { recordIds: string[] }).recordIds)).toEqual(new Set([(a as { recordId: string }).recordId, (b as { recordId: string }).recordId]));
  });
});
