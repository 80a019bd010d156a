import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PluginError, type RecordRef } from "../../../plugins/contract";
import { sumDecimal } from "../../../plugins/shared/aggregate";
import { purchasesOf, user } from "../../../plugins/sample/dataset";
import { adminSql, fixtureApp, isTransactionControl, postgresAppType, prop, querySource, recordingContext, scratchTable, tableSource } from "./postgres-support";

const BATCH = 1000;
const records: RecordRef[] = Array.from({ length: BATCH }, (_, i) => ({ recordId: `rec_${i + 1}`, values: { user_id: String(i + 1), email: `user${i + 1}@example.com` } }));

const ltvOf = (u: number) => sumDecimal(purchasesOf(u).map((p) => String(p.amount)))!.sum;
const lastPurchaseOf = (u: number) => purchasesOf(u).at(-1)!.created_at as string;

const purchaseProperties = [
  prop({ key: "ltv", column: "amount", aggregation: "sum" }),
  prop({ key: "last_purchase_at", column: "created_at", aggregation: "max" }),
  prop({ key: "purchase_count", column: "id", aggregation: "count" }),
];

const LTV_QUERY = "select sum(amount) as ltv, max(created_at) as last_purchase_at, count(*) as purchase_count from purchases where user_id = {{ user_id }}";
const queryProperties = [prop({ key: "ltv", column: "ltv" }), prop({ key: "last_purchase_at", column: "last_purchase_at" }), prop({ key: "purchase_count", column: "purchase_count" })];

/*
 * Statement counts come from ctx.onQuery, which the plugin calls for everything it sends. Besides
 * the statements that read rows there is BEGIN READ ONLY (transaction control) and, for query
 * Sources, one parse-only description of the user's SQL; the tests name each kind they expect.
 */
describe("PostgreSQL recordProperties", () => {
  it("reads the users table for 1,000 Records in one statement", async () => {
    const { ctx, statements } = recordingContext();
    const result = await tableSource.recordProperties(fixtureApp, { table: "users" }, {
      identity: { column: "email", propertyKey: "email" },
      properties: [prop({ key: "first_name", column: "first_name" }), prop({ key: "last_name", column: "last_name" }), prop({ key: "country", column: "country" })],
      records,
    }, ctx);
    expect(result.size).toBe(BATCH);
    for (let u = 1; u <= BATCH; u++) {
      const expected = user(u);
      expect(result.get(`rec_${u}`)).toEqual({ first_name: [expected.first_name], last_name: [expected.last_name], country: [expected.country] });
    }
    const reads = statements.filter((s) => !isTransactionControl(s));
    expect(reads).toEqual(['SELECT t."email", t."first_name", t."last_name", t."country" FROM "public"."users" t WHERE t."email" = ANY($1)']);
    expect(statements.filter(isTransactionControl)).toEqual(["BEGIN READ ONLY"]);
  });

  it("sums, maxes and counts purchases for 1,000 Records in one statement, to the cent", async () => {
    const { ctx, statements } = recordingContext();
    const result = await tableSource.recordProperties(fixtureApp, { table: "purchases" }, { identity: { column: "user_id", propertyKey: "user_id" }, properties: purchaseProperties, records }, ctx);
    for (let u = 1; u <= BATCH; u++) {
      expect(result.get(`rec_${u}`), `user ${u}`).toEqual({ ltv: [ltvOf(u)], last_purchase_at: [lastPurchaseOf(u)], purchase_count: [String(purchasesOf(u).length)] });
    }
    expect(statements.filter((s) => !isTransactionControl(s))).toHaveLength(1);
  });

  it("runs a query Source for 1,000 Records in one statement, values bound and never spliced", async () => {
    const { ctx, statements } = recordingContext();
    const result = await querySource.recordProperties(fixtureApp, { query: LTV_QUERY }, { identity: { column: "", propertyKey: "" }, properties: queryProperties, records }, ctx);
    for (let u = 1; u <= BATCH; u++) {
      const got = result.get(`rec_${u}`)!;
      expect(sumDecimal(got.ltv as string[])!.sum, `user ${u}`).toBe(ltvOf(u));
      expect(got.last_purchase_at).toEqual([lastPurchaseOf(u)]);
      expect(got.purchase_count).toEqual([String(purchasesOf(u).length)]);
    }
    const [begin, described, read, ...rest] = statements;
    expect(begin).toBe("BEGIN READ ONLY");
    // Parsed, not run: it carries $1 where the placeholder stood, and no Record's value.
    expect(described).toContain("where user_id = $1");
    expect(read).toMatch(/FROM unnest\(\$1::text\[\], \$2::int8\[\]\) .* CROSS JOIN LATERAL \(\n.*where user_id = "__gf_k"\."__gf_p1"\n\)/s);
    expect(rest).toEqual([]);
  });

  it("sends the same statements for one Record as for a thousand", async () => {
    const many = recordingContext();
    const one = recordingContext();
    await querySource.recordProperties(fixtureApp, { query: LTV_QUERY }, { identity: { column: "", propertyKey: "" }, properties: queryProperties, records }, many.ctx);
    await querySource.recordProperties(fixtureApp, { query: LTV_QUERY }, { identity: { column: "", propertyKey: "" }, properties: queryProperties, records: records.slice(0, 1) }, one.ctx);
    expect(one.statements).toEqual(many.statements);
  });

  it("gives Records without rows or without a key no values, and sends nothing when no Record has a key", async () => {
    const { ctx, statements } = recordingContext();
    const result = await tableSource.recordProperties(fixtureApp, { table: "purchases" }, {
      identity: { column: "user_id", propertyKey: "user_id" },
      properties: purchaseProperties,
      records: [
        { recordId: "ghost", values: { user_id: "999999" } },
        { recordId: "keyless", values: { user_id: null } },
        { recordId: "known", values: { user_id: "3" } },
      ],
    }, ctx);
    expect(result.get("ghost")).toEqual({ ltv: [], last_purchase_at: [], purchase_count: ["0"] });
    expect(result.get("keyless")).toEqual({ ltv: [], last_purchase_at: [], purchase_count: ["0"] });
    expect(result.get("known")!.ltv).toEqual([ltvOf(3)]);

    const none = recordingContext();
    const empty = await tableSource.recordProperties(fixtureApp, { table: "purchases" }, {
      identity: { column: "user_id", propertyKey: "user_id" },
      properties: purchaseProperties,
      records: [{ recordId: "keyless", values: { user_id: null } }],
    }, none.ctx);
    expect(empty.get("keyless")).toEqual({ ltv: [], last_purchase_at: [], purchase_count: ["0"] });
    expect(none.statements).toEqual([]);
    expect(statements.filter((s) => !isTransactionControl(s))).toHaveLength(1);
  });

  it("applies Property filters to the fetched rows", async () => {
    const { ctx } = recordingContext();
    const result = await tableSource.recordProperties(fixtureApp, { table: "purchases" }, {
      identity: { column: "user_id", propertyKey: "user_id" },
      properties: [prop({ key: "big", column: "id", aggregation: "count", filters: [{ column: "amount", op: "gte", value: 100 }] })],
      records: records.slice(0, 50),
    }, ctx);
    for (let u = 1; u <= 50; u++) expect(result.get(`rec_${u}`)!.big).toEqual([String(purchasesOf(u).filter((p) => Number(p.amount) >= 100).length)]);
  });
});

describe("PostgreSQL placeholder and key values", () => {
  const victim = scratchTable("victim");
  const sql = adminSql();

  beforeAll(async () => {
    await sql.unsafe(`create table ${victim} (id bigint primary key, email text not null, note text)`);
    await sql.unsafe(`insert into ${victim} values (1, 'a@example.com', 'first'), (2, 'b@example.com', 'second')`);
  });
  afterAll(async () => {
    await sql.unsafe(`drop table if exists ${victim}`);
    await sql.end();
  });

  const stillThere = async () => (await sql.unsafe(`select count(*)::int as n from ${victim}`))[0]!.n;

  it("binds a hostile text value as a value: nothing matches and nothing is dropped", async () => {
    const { ctx, statements } = recordingContext();
    const hostile = `x'; drop table ${victim}; --`;
    const result = await querySource.recordProperties(fixtureApp, { query: `select note from ${victim} where email = {{ email }}` }, {
      identity: { column: "", propertyKey: "" },
      properties: [prop({ key: "note", column: "note" })],
      records: [{ recordId: "bad", values: { email: hostile } }, { recordId: "good", values: { email: "b@example.com" } }],
    }, ctx);
    expect(result.get("bad")).toEqual({ note: [] });
    expect(result.get("good")).toEqual({ note: ["second"] });
    expect(statements.join("\n")).not.toContain("drop table");
    expect(await stillThere()).toBe(2);
  });

  it("reads no rows for a value a bigint placeholder cannot hold, without failing the rest of the batch", async () => {
    const { ctx } = recordingContext();
    const result = await querySource.recordProperties(fixtureApp, { query: `select note from ${victim} where id = {{ user_id }}` }, {
      identity: { column: "", propertyKey: "" },
      properties: [prop({ key: "note", column: "note" })],
      records: [
        { recordId: "bad", values: { user_id: `1; drop table ${victim}` } },
        { recordId: "huge", values: { user_id: "99999999999999999999" } },
        { recordId: "good", values: { user_id: "1" } },
      ],
    }, ctx);
    expect(result.get("bad")).toEqual({ note: [] });
    expect(result.get("huge")).toEqual({ note: [] });
    expect(result.get("good")).toEqual({ note: ["first"] });
    expect(await stillThere()).toBe(2);
  });

  it("does the same for a table Source keyed by a bigint column", async () => {
    const { ctx } = recordingContext();
    const result = await tableSource.recordProperties(fixtureApp, { table: victim }, {
      identity: { column: "id", propertyKey: "user_id" },
      properties: [prop({ key: "note", column: "note" })],
      records: [{ recordId: "bad", values: { user_id: "1 or 1=1" } }, { recordId: "good", values: { user_id: "2" } }],
    }, ctx);
    expect(result.get("bad")).toEqual({ note: [] });
    expect(result.get("good")).toEqual({ note: ["second"] });
  });

  it("matches a mixed-case email ignoring case only when the identity asks for it", async () => {
    await sql.unsafe(`insert into ${victim} values (4, 'Mixed.Case@Example.COM', 'fourth')`);
    const read = (caseInsensitive: boolean) =>
      tableSource.recordProperties(fixtureApp, { table: victim }, {
        identity: { column: "email", propertyKey: "email", caseInsensitive },
        properties: [prop({ key: "note", column: "note" })],
        records: [{ recordId: "mixed", values: { email: "mixed.case@example.com" } }],
      }, recordingContext().ctx);
    expect((await read(true)).get("mixed")).toEqual({ note: ["fourth"] });
    expect((await read(false)).get("mixed")).toEqual({ note: [] });
    await sql.unsafe(`delete from ${victim} where id = 4`);
  });

  it("keeps commas, quotes and braces inside a value", async () => {
    await sql.unsafe(`insert into ${victim} values (3, '{"odd", value}\\,', 'third')`);
    const { ctx } = recordingContext();
    const email = (await sql.unsafe(`select email from ${victim} where id = 3`))[0]!.email as string;
    const result = await tableSource.recordProperties(fixtureApp, { table: victim }, {
      identity: { column: "email", propertyKey: "email" },
      properties: [prop({ key: "note", column: "note" })],
      records: [{ recordId: "odd", values: { email } }],
    }, ctx);
    expect(result.get("odd")).toEqual({ note: ["third"] });
    await sql.unsafe(`delete from ${victim} where id = 3`);
  });
});

describe("PostgreSQL reads are read-only and refuse clearly", () => {
  const sequence = scratchTable("seq");
  const sql = adminSql();
  beforeAll(async () => {
    await sql.unsafe(`create sequence ${sequence}`);
  });
  afterAll(async () => {
    await sql.unsafe(`drop sequence if exists ${sequence}`);
    await sql.end();
  });

  it("runs every statement inside a read-only transaction", async () => {
    const { ctx } = recordingContext();
    const attempt = querySource.preview(fixtureApp, { query: `select nextval('${sequence}') as n where {{ user_id }}::int > 0` }, { limit: 1, values: { user_id: "1" } }, ctx);
    await expect(attempt).rejects.toMatchObject({ code: "query_failed", message: "cannot execute nextval() in a read-only transaction" });
  });

  it("names a missing column in PostgreSQL's words", async () => {
    const { ctx } = recordingContext();
    const attempt = tableSource.recordProperties(fixtureApp, { table: "users" }, {
      identity: { column: "email", propertyKey: "email" },
      properties: [prop({ key: "nickname", column: "nickname" })],
      records: records.slice(0, 3),
    }, ctx);
    await expect(attempt).rejects.toMatchObject({ code: "not_found", message: 'column t.nickname does not exist' });
  });

  it("refuses a column the Source leaves out, before sending anything", async () => {
    const { ctx, statements } = recordingContext();
    const attempt = tableSource.recordProperties(fixtureApp, { table: "users", columns: ["email", "country"] }, {
      identity: { column: "email", propertyKey: "email" },
      properties: [prop({ key: "last_name", column: "last_name" })],
      records: records.slice(0, 3),
    }, ctx);
    await expect(attempt).rejects.toMatchObject({ code: "not_found" });
    expect(statements).toEqual([]);
  });

  it("reports an unreachable server as a connection failure", async () => {
    const { ctx } = recordingContext();
    const attempt = tableSource.columns({ ...fixtureApp, port: 5499 }, { table: "users" }, ctx);
    await expect(attempt).rejects.toBeInstanceOf(PluginError);
    await expect(attempt).rejects.toMatchObject({ code: "connection_failed", message: expect.stringMatching(/^Could not connect to 127\.0\.0\.1:5499/) });
  });

  it("stops a running statement when the call is cancelled", async () => {
    const controller = new AbortController();
    const { ctx } = recordingContext(controller.signal);
    const started = Date.now();
    const attempt = querySource.preview(fixtureApp, { query: "select pg_sleep(5) as slept where {{ user_id }}::int > 0" }, { limit: 1, values: { user_id: "1" } }, ctx);
    setTimeout(() => controller.abort(), 200);
    await expect(attempt).rejects.toMatchObject({ code: "connection_failed" });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("tests a connection without throwing, whatever the failure", async () => {
    const { ctx } = recordingContext();
    expect(await postgresAppType.test({ ...fixtureApp, database: "no_such_database" }, ctx)).toEqual({ ok: false, error: 'database "no_such_database" does not exist' });
    expect(await postgresAppType.test({ ...fixtureApp, host: "no-such-host.invalid" }, ctx)).toMatchObject({ ok: false });
  });
});

describe("PostgreSQL error messages", () => {
  it("mask the password without garbling the database's words", async () => {
    const { scrub } = await import("../../../plugins/postgres/errors");
    expect(scrub('database "x_db" does not exist', "x")).toBe('database "x_db" does not exist');
    expect(scrub("password x was refused", "x")).toBe("password ******** was refused");
    expect(scrub("connecting with correct-horse-battery failed", "correct-horse-battery")).toBe("connecting with ******** failed");
    expect(scrub("role postgres: hunter2hunter2 rejected", "hunter2hunter2")).not.toContain("hunter2");
  });
});
