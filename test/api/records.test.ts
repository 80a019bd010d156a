import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../worker/context";
import { createDb } from "../../worker/db/client";
import { auditLog, imports, recordChanges, type Property } from "../../worker/db/schema";
import { TenantScope } from "../../worker/db/tenant-scope";
import { newId } from "../../worker/ids";
import { listProperties } from "../../worker/services/properties";
import { resolveRecord } from "../../worker/services/record-identity";
import { listRecords } from "../../worker/services/records";
import { addMember, api, type Caller, createKey, type Workspace } from "../support/api";
import { planOf, recordingD1 } from "../support/query-plans";
import { storeValues } from "../support/record-values";
import { sampleWorkspace } from "../support/sample-workspace";

let ws: Workspace;
let owner: Caller;
let scope: TenantScope;
let props: Property[];
let sourceId: string;
const ids: Record<string, string> = {};

const FILLERS = 20;

async function createRecord(label: string, values: Record<string, unknown[]>) {
  const email = props.find((p) => p.key === "email")!;
  const outcome = await resolveRecord(scope, [{ propertyId: email.id, value: String(values.email![0]) }], { create: true });
  if (outcome.kind !== "created") throw new Error(`expected a new Record for ${label}, got ${outcome.kind}`);
  await storeValues(scope.tenantId, outcome.recordId, props, values);
  ids[label] = outcome.recordId;
}

const at = (ms: number) => new Date(Date.UTC(2024, 0, 1) + ms);

const listed = async (query: string, as: Caller = owner) => {
  const res = await api("GET", `/records${query}`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { records: { id: string; properties: Record<string, unknown> }[]; nextCursor: string | null };
};

const labelsOf = (body: { records: { id: string }[] }) => body.records.map((r) => Object.keys(ids).find((k) => ids[k] === r.id) ?? r.id).sort();

beforeAll(async () => {
  const sample = await sampleWorkspace("records", 10);
  ws = sample.ws;
  owner = sample.as;
  sourceId = sample.usersSource.id;
  const define = (body: Record<string, unknown>) => api("POST", "/properties", { as: owner, body: { sourceId, ...body } });
  await define({ key: "first_name", type: "string", column: "first_name" });
  await define({ key: "age", type: "integer", column: "id" });
  await define({ key: "nicknames", type: "string", column: "first_name", array: true });
  scope = new TenantScope(createDb(env.DB), sample.ws.workspace.id);
  props = await listProperties(scope);

  await createRecord("ada", { email: ["ada@example.com"], first_name: ["Ada"], age: ["36"], nicknames: ["Countess", "Enchantress"] });
  await createRecord("adam", { email: ["adam@example.com"], first_name: ["Adam"], age: ["41"], nicknames: [] });
  await createRecord("grace", { email: ["grace@example.com"], first_name: ["Grace"], age: ["eighty"], nicknames: ["Amazing Grace"] });
  await createRecord("bradley", { email: ["bradley@example.com"], first_name: ["Bradley"], age: ["29"], nicknames: [] });
  for (let i = 0; i < FILLERS; i++) {
    await createRecord(`filler${i}`, { email: [`person${String(i).padStart(2, "0")}@example.com`], first_name: ["Filler"], age: [String(i)], nicknames: [] });
  }
  // Records created in the same millisecond must still page in a stable order (by id).
  await env.DB.prepare("update records set created_at = ? where tenant_id = ? and id in (select record_id from record_identities where value like 'person%')")
    .bind(at(0).getTime(), scope.tenantId)
    .run();
});

describe("GET /records", () => {
  it("pages through every Record exactly once, oldest first, ties by id", async () => {
    const expected = (
      await env.DB.prepare("select id from records where tenant_id = ? order by created_at, id").bind(scope.tenantId).all<{ id: string }>()
    ).results.map((r) => r.id);
    expect(expected).toHaveLength(4 + FILLERS);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listed(`?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(page.records.length).toBeLessThanOrEqual(5);
      seen.push(...page.records.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);
  });

  it("shows every Property by key: single values, arrays by position, invalid values as null", async () => {
    const all = await listed("?limit=200");
    const byId = new Map(all.records.map((r) => [r.id, r]));
    expect(byId.get(ids.ada!)).toMatchObject({
      id: ids.ada,
      missingSince: null,
      properties: { email: "ada@example.com", first_name: "Ada", age: "36", nicknames: ["Countess", "Enchantress"] },
    });
    expect(byId.get(ids.grace!)!.properties).toEqual({ email: "grace@example.com", first_name: "Grace", age: null, nicknames: ["Amazing Grace"] });
    expect(byId.get(ids.adam!)!.properties.nicknames).toEqual([]);
    expect(all.nextCursor).toBeNull();
  });

  it("finds equal values after coercing the search text to the Property's type", async () => {
    expect(labelsOf(await listed("?property=email&value=ADA@Example.com"))).toEqual(["ada"]);
    expect(labelsOf(await listed("?property=email&value=ada@example.com&match=equals"))).toEqual(["ada"]);
    expect(labelsOf(await listed("?property=age&value=036"))).toEqual(["ada"]);
    expect(labelsOf(await listed("?property=first_name&value=ada"))).toEqual([]);
    expect(labelsOf(await listed("?property=nicknames&value=Enchantress"))).toEqual(["ada"]);
  });

  it("finds values containing or starting with the text, ignoring case", async () => {
    expect(labelsOf(await listed("?property=first_name&value=AD&match=contains"))).toEqual(["ada", "adam", "bradley"]);
    expect(labelsOf(await listed("?property=first_name&value=aD&match=starts_with"))).toEqual(["ada", "adam"]);
    expect(labelsOf(await listed("?property=nicknames&value=grace&match=contains"))).toEqual(["grace"]);
    // LIKE wildcards in the text are plain characters.
    expect(labelsOf(await listed("?property=first_name&value=_da&match=starts_with"))).toEqual([]);
    expect(labelsOf(await listed("?property=first_name&value=%25&match=contains"))).toEqual([]);
  });

  it("pages through search results too", async () => {
    const first = await listed("?property=first_name&value=Filler&limit=15");
    expect(first.records).toHaveLength(15);
    const rest = await listed(`?property=first_name&value=Filler&limit=15&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(rest.records).toHaveLength(FILLERS - 15);
    expect(rest.nextCursor).toBeNull();
    expect(new Set([...first.records, ...rest.records].map((r) => r.id)).size).toBe(FILLERS);
  });

  it("q finds Records by the start of a unique Property value", async () => {
    expect(labelsOf(await listed("?q=ada"))).toEqual(["ada", "adam"]);
    expect(labelsOf(await listed("?q=ADA@"))).toEqual(["ada"]);
    expect(labelsOf(await listed("?q=example.com"))).toEqual([]);
    expect(labelsOf(await listed("?q=Ada"))).toEqual(["ada", "adam"]);
    expect(labelsOf(await listed("?q=person0&property=age&value=7"))).toEqual(["filler7"]);
  });

  it("refuses bad query parameters with 400 and names an unknown Property", async () => {
    const unknown = await api("GET", "/records?property=shoe_size&value=42", { as: owner });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('"shoe_size"');
    for (const query of [
      "?limit=0",
      "?limit=201",
      "?limit=ten",
      "?cursor=not-a-cursor",
      "?property=email",
      "?value=ada",
      "?match=contains",
      "?property=email&value=ada&match=fuzzy",
      "?property=age&value=old",
      "?q=",
      "?colour=red",
    ]) {
      const res = await api("GET", `/records${query}`, { as: owner });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe("invalid_request");
    }
  });
});

describe("GET /records/:id", () => {
  beforeAll(async () => {
    const other = (ms: number, recordId: string) => ({ id: newId("imp"), recordId, via: "api" as const, sourceId, runId: null, data: {}, state: "processed" as const, createdAt: at(ms) });
    await scope.insert(imports, [
      { ...other(1000, ids.ada!), data: { email: "ada@example.com" } },
      { ...other(3000, ids.ada!), via: "webhook", state: "failed", data: { age: "x" } },
      { ...other(6000, ids.ada!), data: { first_name: "Ada" } },
      other(2500, ids.adam!),
    ]);
    const change = (ms: number, key: string, importIds: string[] = []) => ({
      id: newId("chg"),
      recordId: ids.ada!,
      importIds,
      runId: null,
      changes: [{ key, before: [null], after: [String(ms)] }],
      createdAt: at(ms),
    });
    await scope.insert(recordChanges, [change(2000, "age"), change(4000, "first_name"), change(6000, "nicknames")]);
    await scope.insert(auditLog, {
      id: newId("aud"),
      actorType: SYSTEM_ACTOR.type,
      actorId: SYSTEM_ACTOR.id,
      action: "record.merge",
      targetType: "record",
      targetId: ids.ada!,
      before: null,
      after: { merged: ["rec_gone"] },
      requestId: "req_test",
      createdAt: at(5000),
    });
    // Marked for hydration again after its Property changed.
    const firstName = props.find((p) => p.key === "first_name")!;
    await env.DB.prepare("update record_properties set state = 'pending' where record_id = ? and property_id = ?").bind(ids.grace!, firstName.id).run();
  });

  it("shows each Property with its values, invalid input and reason, state and times, and the Record's identities", async () => {
    const res = await api("GET", `/records/${ids.grace}`, { as: owner });
    expect(res.status).toBe(200);
    const record = res.body.record;
    expect(record).toMatchObject({ id: ids.grace, missingSince: null, identities: [{ key: "email", value: "grace@example.com" }] });
    expect(record).toMatchObject({ groups: [], groupHistory: [] });
    expect(record.properties.map((p: { key: string }) => p.key)).toEqual(["age", "email", "first_name", "nicknames"]);
    const [age, , firstName, nicknames] = record.properties;
    expect(age).toMatchObject({
      key: "age",
      type: "integer",
      isArray: false,
      values: [null],
      invalidValue: "eighty",
      invalidReason: '"eighty" is not a number',
      state: "ready",
      sourceId,
    });
    expect(Date.parse(age.valueChangedAt)).not.toBeNaN();
    expect(Date.parse(age.confirmedAt)).not.toBeNaN();
    expect(firstName).toMatchObject({ values: ["Grace"], invalidValue: null, invalidReason: null, state: "pending" });
    expect(nicknames).toMatchObject({ isArray: true, values: ["Amazing Grace"], state: "ready" });
  });

  it("merges Imports, changes and audit entries into one timeline, newest first", async () => {
    const timeline = (await api("GET", `/records/${ids.ada}`, { as: owner })).body.record.timeline;
    expect(timeline.map((e: { kind: string; at: string }) => [e.kind, Date.parse(e.at) - at(0).getTime()])).toEqual([
      ["change", 6000],
      ["import", 6000],
      ["audit", 5000],
      ["change", 4000],
      ["import", 3000],
      ["change", 2000],
      ["import", 1000],
    ]);
    expect(timeline[2]).toMatchObject({ kind: "audit", action: "record.merge", actorType: "system", after: { merged: ["rec_gone"] } });
    expect(timeline[4]).toMatchObject({ kind: "import", via: "webhook", sourceId, runId: null, state: "failed", data: { age: "x" } });
    expect(timeline[5]).toMatchObject({ kind: "change", changes: [{ key: "age", before: [null], after: ["2000"] }], importIds: [], runId: null });
  });

  it("pages the timeline with before", async () => {
    const res = await api("GET", `/records/${ids.ada}?before=${at(3000).toISOString()}`, { as: owner });
    expect(res.body.record.timeline.map((e: { kind: string }) => e.kind)).toEqual(["change", "import"]);
  });

  it("shows at most 100 timeline entries and continues before the last one", async () => {
    const many = Array.from({ length: 120 }, (_, i) => ({
      id: newId("imp"),
      recordId: ids.bradley!,
      via: "api" as const,
      sourceId,
      runId: null,
      data: { n: i },
      state: "processed" as const,
      createdAt: at(10_000 + i),
    }));
    for (let i = 0; i < many.length; i += 8) await scope.insert(imports, many.slice(i, i + 8));
    const first = (await api("GET", `/records/${ids.bradley}`, { as: owner })).body.record.timeline;
    expect(first).toHaveLength(100);
    expect(first[0].data).toEqual({ n: 119 });
    const rest = (await api("GET", `/records/${ids.bradley}?before=${first[99].at}`, { as: owner })).body.record.timeline;
    expect(rest.map((e: { data: { n: number } }) => e.data.n)).toEqual(Array.from({ length: 20 }, (_, i) => 19 - i));
  });

  it("answers 404 for an unknown Record and 400 for a bad before", async () => {
    expect((await api("GET", `/records/rec_${"0".repeat(24)}`, { as: owner })).status).toBe(404);
    expect((await api("GET", "/records/nope", { as: owner })).status).toBe(404);
    expect((await api("GET", `/records/${ids.ada}?before=yesterday`, { as: owner })).status).toBe(400);
    expect((await api("GET", `/records/${ids.ada}?after=2024-01-01T00:00:00Z`, { as: owner })).status).toBe(400);
  });
});

describe("who may read Records", () => {
  it("lets a viewer read, and an API key only with read:records (or write:records)", async () => {
    const viewer = await addMember(ws, "viewer", "recviewer");
    expect((await api("GET", "/records", { as: viewer.as })).status).toBe(200);
    expect((await api("GET", `/records/${ids.ada}`, { as: viewer.as })).status).toBe(200);

    const reader = await createKey(owner, ["read:records"]);
    const writer = await createKey(owner, ["write:records"]);
    const other = await createKey(owner, ["read:runs", "read:properties"]);
    for (const key of [reader, writer]) {
      expect((await api("GET", "/records?limit=1", { as: { key: key.secret } })).status).toBe(200);
      expect((await api("GET", `/records/${ids.ada}`, { as: { key: key.secret } })).status).toBe(200);
    }
    for (const path of ["/records", `/records/${ids.ada}`]) {
      const refused = await api("GET", path, { as: { key: other.secret } });
      expect(refused.status, path).toBe(403);
      expect(refused.body.error.details).toEqual({ required: "read:records" });
    }
  });
});

describe("with 100,000 Records", () => {
  const RECORDS = 100_000;
  let big: TenantScope;
  let emailId: string;

  const recordingScope = (statements: string[]) => new TenantScope(createDb(recordingD1(statements)), big.tenantId);

  beforeAll(async () => {
    const sample = await sampleWorkspace("bigrecords", 5);
    big = new TenantScope(createDb(env.DB), sample.ws.workspace.id);
    emailId = (await listProperties(big)).find((p) => p.key === "email")!.id;
    const numbers = `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${RECORDS})`;
    // Three Records share each creation time, so paging must break ties by id.
    await env.DB.prepare(`${numbers} insert into records (id, tenant_id, created_at, updated_at) select printf('rec_%024d', i), ?, 1000000 + i / 3, 1000000 from n`)
      .bind(big.tenantId)
      .run();
    await env.DB.prepare(
      `${numbers} insert into record_properties (id, tenant_id, record_id, property_id, position, value, state, updated_at)
       select printf('rpv_%024d', i), ?, printf('rec_%024d', i), ?, 0, printf('person%d@example.com', i), 'ready', 0 from n`,
    )
      .bind(big.tenantId, emailId)
      .run();
    await env.DB.prepare(
      "insert into record_identities (tenant_id, property_id, value, record_id, created_at) select tenant_id, property_id, value, record_id, 0 from record_properties where tenant_id = ?",
    )
      .bind(big.tenantId)
      .run();
  }, 120_000);

  it("reads a full page's values in a few chunked queries through the record index", async () => {
    const statements: string[] = [];
    const page = await listRecords(recordingScope(statements), { limit: 200 });
    expect(page.records).toHaveLength(200);
    expect(page.records.every((r) => r.properties.email === `person${Number(r.id.slice(4))}@example.com`)).toBe(true);
    // The workspace's Properties, the page of Records, and the values of 200 Records in chunks of at most 90.
    expect(statements).toHaveLength(5);
    const valueReads = statements.filter((s) => s.includes('from "record_properties"'));
    expect(valueReads).toHaveLength(3);
    for (const sql of valueReads) expect(await planOf(sql)).toContain("USING INDEX record_properties_record_property_idx (record_id=?)");
  });

  it("answers searches from the value and identity indexes", async () => {
    const searches: [Parameters<typeof listRecords>[1], string][] = [
      [{ limit: 50, property: { key: "email", value: "person5000@example.com", match: "equals" } }, "record_properties_property_value_idx (property_id=? AND value=?)"],
      [{ limit: 50, property: { key: "email", value: "PERSON500", match: "starts_with" } }, "record_properties_property_value_idx (property_id=?"],
      [{ limit: 50, q: "person777" }, "sqlite_autoindex_record_identities_1 (tenant_id=? AND property_id=? AND value>? AND value<?)"],
    ];
    for (const [query, index] of searches) {
      const statements: string[] = [];
      const page = await listRecords(recordingScope(statements), query);
      expect(page.records.length).toBeGreaterThan(0);
      const search = statements.find((s) => s.includes('from "records"'))!;
      expect(await planOf(search)).toContain(index);
    }
  });

  it("pages stably across Records created in the same millisecond", async () => {
    const first = await listRecords(big, { limit: 200 });
    const second = await listRecords(big, { limit: 200, cursor: first.nextCursor! });
    const expected = Array.from({ length: 400 }, (_, i) => `rec_${String(i + 1).padStart(24, "0")}`);
    expect([...first.records, ...second.records].map((r) => r.id)).toEqual(expected);
  });
});
