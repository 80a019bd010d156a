import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import type { Property } from "../../worker/db/schema";
import { TenantScope } from "../../worker/db/tenant-scope";
import { listProperties } from "../../worker/services/properties";
import { resolveRecord } from "../../worker/services/record-identity";
import { api } from "../support/api";
import { RecordValues } from "../support/record-values";
import { sampleWorkspace } from "../support/sample-workspace";

let scope: TenantScope;
let props: Property[];
let recordId: string;
let record: RecordValues;

const stored = async () =>
  (
    await env.DB.prepare(
      `select p.key, rp.position, rp.value, rp.invalid_value, rp.invalid_reason, rp.state, rp.value_changed_at, rp.confirmed_at
       from record_properties rp join properties p on p.id = rp.property_id where rp.record_id = ? order by p.key, rp.position`,
    )
      .bind(recordId)
      .all()
  ).results as { key: string; position: number; value: string | null; invalid_value: string | null; invalid_reason: string | null; state: string; value_changed_at: number; confirmed_at: number }[];

beforeAll(async () => {
  const { ws, usersSource: source } = await sampleWorkspace("values", 10);
  const define = (body: Record<string, unknown>) => api("POST", "/properties", { as: ws.owner, body: { sourceId: source.id, ...body } });
  await define({ key: "signed_up_at", type: "date", column: "created_at" });
  await define({ key: "nicknames", type: "string", column: "first_name", array: true });
  await define({ key: "age", type: "integer", column: "id" });
  scope = new TenantScope(createDb(env.DB), ws.workspace.id);
  props = await listProperties(scope);
  const emailProp = props.find((p) => p.key === "email")!;
  recordId = ((await resolveRecord(scope, [{ propertyId: emailProp.id, value: "ada@example.com" }], { create: true })) as { recordId: string }).recordId;
  record = new RecordValues(scope.tenantId, recordId);
});

const changedKeys = (settled: { changes: { key: string }[] }) => settled.changes.map((c) => c.key).sort();

describe("storing a hydrated Record's values (a Record object's settle, then the batched write)", () => {
  it("coerces values, keeps an invalid one with its reason, and the rest still lands", async () => {
    const result = await record.store(props, {
      email: ["Ada@Example.com"],
      signed_up_at: ["2024-03-05 10:00:00"],
      nicknames: ["Ada", "Countess"],
      age: ["thirty-six"],
    }, new Date(1000));
    expect(changedKeys(result)).toEqual(["age", "email", "nicknames", "signed_up_at"]);
    expect(result.invalid).toBe(1);
    const rows = await stored();
    expect(rows.map((r) => [r.key, r.position, r.value, r.invalid_reason, r.state])).toEqual([
      ["age", 0, null, '"thirty-six" is not a number', "ready"],
      ["email", 0, "ada@example.com", null, "ready"],
      ["nicknames", 0, "Ada", null, "ready"],
      ["nicknames", 1, "Countess", null, "ready"],
      ["signed_up_at", 0, "2024-03-05T10:00:00.000Z", null, "ready"],
    ]);
  });

  it("only confirms values that did not change, and records when those that did changed", async () => {
    const result = await record.store(props, {
      email: ["ada@example.com"],
      signed_up_at: ["2024-03-05T10:00:00Z"],
      nicknames: ["Ada"],
      age: ["36"],
    }, new Date(2000));
    expect(changedKeys(result)).toEqual(["age", "nicknames"]);
    const rows = await stored();
    const email = rows.find((r) => r.key === "email")!;
    expect([email.value_changed_at, email.confirmed_at]).toEqual([1000, 2000]);
    const age = rows.find((r) => r.key === "age")!;
    expect([age.value, age.invalid_reason, age.value_changed_at]).toEqual(["36", null, 2000]);
    expect(rows.filter((r) => r.key === "nicknames").map((r) => r.value)).toEqual(["Ada"]);
  });

  it("changes nothing when the same values arrive again (a redelivered message)", async () => {
    const values = { email: ["ada@example.com"], signed_up_at: ["2024-03-05T10:00:00Z"], nicknames: ["Ada"], age: ["36"] };
    const before = await stored();
    const again = await record.store(props, values, new Date(3000));
    expect(again.changes).toEqual([]);
    const after = await stored();
    expect(after.map(({ confirmed_at: _c, ...rest }) => rest)).toEqual(before.map(({ confirmed_at: _c, ...rest }) => rest));
  });

  it("clears a value the Source no longer has", async () => {
    const result = await record.store(props.filter((p) => p.key === "nicknames"), { nicknames: [] }, new Date(4000));
    expect(changedKeys(result)).toEqual(["nicknames"]);
    expect((await stored()).some((r) => r.key === "nicknames")).toBe(false);
  });
});
