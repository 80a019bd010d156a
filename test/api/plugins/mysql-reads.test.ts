import { describe, expect, it } from "vitest";
import { PluginError, type RecordRef } from "../../../plugins/contract";
import { purchasesOf, user } from "../../../plugins/sample/dataset";
import {
  adminConnection,
  canonical,
  dataStatements,
  decimal2,
  expectedPurchases,
  FIXTURE_APP,
  isCatalogStatement,
  isSessionStatement,
  querySource,
  read,
  recordingContext,
  tableSource,
} from "./mysql-support";

/**
 * 1,000 Records, mostly customers 1..995, plus the awkward ones: a zero-padded id, an id nobody
 * has, no value at all, an injection attempt, and a second Record with the same id as another.
 */
const CUSTOMERS = 995;
const records: RecordRef[] = [
  ...Array.from({ length: CUSTOMERS }, (_, i) => ({ recordId: `rec_${i + 1}`, values: { user_id: String(i + 1) } })),
  { recordId: "rec_padded", values: { user_id: "042" } },
  { recordId: "rec_unknown", values: { user_id: "99999" } },
  { recordId: "rec_null", values: { user_id: null } },
  { recordId: "rec_injection", values: { user_id: "1; drop table users" } },
  { recordId: "rec_twin", values: { user_id: "7" } },
];

const purchaseReads = [
  read("ltv", "amount", "sum"),
  read("last_purchase_at", "created_at", "max"),
  read("purchase_count", "id", "count"),
  read("big_purchases", "id", "count", { filters: [{ column: "amount", op: "gte", value: "100" }] }),
];

async function usersTableCount() {
  const admin = await adminConnection();
  try {
    const { rows } = await admin.execute("SELECT COUNT(*) AS n FROM users");
    return rows[0]!.n;
  } finally {
    await admin.close();
  }
}

describe("MySQL table Source: recordProperties", () => {
  it("reads 1,000 Records' purchases in one data statement, with exact sums, UTC maxima and counts", async () => {
    const { ctx, statements } = recordingContext();
    const result = await tableSource.recordProperties(
      FIXTURE_APP,
      { table: "purchases" },
      { identity: { column: "user_id", propertyKey: "user_id" }, properties: purchaseReads, records },
      ctx,
    );

    expect(result.size).toBe(records.length);
    for (let u = 1; u <= CUSTOMERS; u++) {
      const want = expectedPurchases(u);
      const big = purchasesOf(u).filter((p) => Number(p.amount) >= 100).length;
      expect(result.get(`rec_${u}`), `customer ${u}`).toEqual({
        ltv: [canonical(want.cents)],
        last_purchase_at: [want.last],
        purchase_count: [String(want.count)],
        big_purchases: [String(big)],
      });
    }
    // 042 is the number 42 to the server, so it reads customer 42's rows.
    expect(result.get("rec_padded")).toEqual(result.get("rec_42"));
    expect(result.get("rec_twin")).toEqual(result.get("rec_7"));
    const nothing = { ltv: [], last_purchase_at: [], purchase_count: ["0"], big_purchases: ["0"] };
    expect(result.get("rec_unknown")).toEqual(nothing);
    expect(result.get("rec_null")).toEqual(nothing);
    // Not a whole number, so it cannot be a user_id: it is not even sent.
    expect(result.get("rec_injection")).toEqual(nothing);

    // Excluded from the count: the session's SET (UTC, time limit) and START TRANSACTION READ ONLY,
    // and the one information_schema lookup that validates the table and column names.
    expect(statements.filter(isSessionStatement)).toHaveLength(2);
    expect(statements.filter(isCatalogStatement)).toHaveLength(1);
    const data = dataStatements(statements);
    expect(data).toHaveLength(1);
    expect(data[0]).toMatch(/^SELECT `user_id`, `amount`, `created_at`, `id` FROM `groupflow_fixture`\.`purchases` WHERE `user_id` IN \(\?(, \?)+\)$/);
    expect(data[0]).not.toContain("drop");
    expect(await usersTableCount()).toBe(1500);
  });

  it("matches emails the way the column's case-insensitive collation does", async () => {
    const { ctx, statements } = recordingContext();
    const emailRecords: RecordRef[] = [
      { recordId: "lower", values: { email: "user5@example.com" } },
      { recordId: "upper", values: { email: "USER5@EXAMPLE.COM" } },
      { recordId: "quote", values: { email: "user5@example.com' OR '1'='1" } },
      { recordId: "other", values: { email: "user6@example.com" } },
    ];
    const result = await tableSource.recordProperties(
      FIXTURE_APP,
      { table: "users" },
      { identity: { column: "email", propertyKey: "email" }, properties: [read("first_name", "first_name", "exact"), read("country", "country", "exact")], records: emailRecords },
      ctx,
    );
    expect(result.get("lower")).toEqual({ first_name: [user(5).first_name], country: [user(5).country] });
    expect(result.get("upper")).toEqual(result.get("lower"));
    expect(result.get("quote")).toEqual({ first_name: [], country: [] });
    expect(result.get("other")).toEqual({ first_name: [user(6).first_name], country: [user(6).country] });
    expect(dataStatements(statements)).toHaveLength(1);
  });

  it("refuses a Property on a column that does not exist, in the server's words", async () => {
    const { ctx } = recordingContext();
    const attempt = tableSource.recordProperties(
      FIXTURE_APP,
      { table: "purchases" },
      { identity: { column: "user_id", propertyKey: "user_id" }, properties: [read("x", "no_such_column", "exact")], records: records.slice(0, 3) },
      ctx,
    );
    await expect(attempt).rejects.toMatchObject({ code: "not_found", message: "Unknown column 'no_such_column' in 'SELECT'" });
  });

  it("refuses a Property on a column the Source leaves out", async () => {
    const { ctx } = recordingContext();
    const attempt = tableSource.recordProperties(
      FIXTURE_APP,
      { table: "users", columns: ["id", "email"] },
      { identity: { column: "id", propertyKey: "user_id" }, properties: [read("country", "country", "exact")], records: records.slice(0, 3) },
      ctx,
    );
    await expect(attempt).rejects.toBeInstanceOf(PluginError);
    await expect(attempt).rejects.toMatchObject({ code: "not_found", message: expect.stringContaining(`Column "country" is not one of this Source's columns (id, email)`) });
  });
});

describe("MySQL query Source: recordProperties", () => {
  const query = "select sum(amount) as ltv, max(created_at) as last_purchase_at, count(*) as purchase_count from purchases where user_id = {{ user_id }}";
  const exact = [read("ltv", "ltv", "exact"), read("last_purchase_at", "last_purchase_at", "exact"), read("purchase_count", "purchase_count", "exact")];

  it("runs the query for 1,000 Records as one UNION ALL statement with every value bound", async () => {
    const { ctx, statements } = recordingContext();
    const result = await querySource.recordProperties(FIXTURE_APP, { query }, { identity: { column: "", propertyKey: "" }, properties: exact, records }, ctx);

    for (let u = 1; u <= CUSTOMERS; u++) {
      const want = expectedPurchases(u);
      expect(result.get(`rec_${u}`), `customer ${u}`).toEqual({ ltv: [decimal2(want.cents)], last_purchase_at: [want.last], purchase_count: [String(want.count)] });
    }
    expect(result.get("rec_padded")).toEqual(result.get("rec_42"));
    expect(result.get("rec_twin")).toEqual(result.get("rec_7"));
    expect(result.get("rec_unknown")).toEqual({ ltv: [], last_purchase_at: [], purchase_count: ["0"] });
    expect(result.get("rec_null")).toEqual({ ltv: [], last_purchase_at: [], purchase_count: ["0"] });
    // Bound as one string value, so no statement was added; comparing it with a BIGINT, MySQL
    // itself reads '1; drop table users' as 1 (with a warning), exactly as `user_id = '1; …'` would.
    expect(result.get("rec_injection")).toEqual(result.get("rec_1"));

    // Excluded from the count: SET SESSION (UTC, time limit) and START TRANSACTION READ ONLY.
    expect(statements.filter(isSessionStatement)).toHaveLength(2);
    const data = dataStatements(statements);
    expect(data).toHaveLength(1);
    // One branch per distinct placeholder value: the twin shares customer 7's.
    expect(data[0]!.split("\nUNION ALL\n")).toHaveLength(records.length - 1);
    expect(data[0]).not.toContain("drop");
    expect(await usersTableCount()).toBe(1500);
  });

  it("binds a text placeholder as a value: quotes and statements in it match nothing", async () => {
    const { ctx } = recordingContext();
    const result = await querySource.recordProperties(
      FIXTURE_APP,
      { query: "select first_name from users where email = {{ email }}" },
      {
        identity: { column: "", propertyKey: "" },
        properties: [read("first_name", "first_name", "exact")],
        records: [
          { recordId: "real", values: { email: "user9@example.com" } },
          { recordId: "or", values: { email: "x' OR '1'='1" } },
          { recordId: "drop", values: { email: "user9@example.com'; drop table users; --" } },
        ],
      },
      ctx,
    );
    expect(result.get("real")).toEqual({ first_name: [user(9).first_name] });
    expect(result.get("or")).toEqual({ first_name: [] });
    expect(result.get("drop")).toEqual({ first_name: [] });
    expect(await usersTableCount()).toBe(1500);
  });

  it("splits a batch into several statements only when its parameters would not fit in one", async () => {
    const { ctx, statements } = recordingContext();
    const many: RecordRef[] = Array.from({ length: 1500 }, (_, i) => ({ recordId: `r${i}`, values: { n: String(i) } }));
    // 41 placeholders + the Record tag = 42 parameters a branch; 60,000 / 42 = 1,428 branches a statement.
    const conditions = Array.from({ length: 40 }, () => "{{ n }} is not null").join(" and ");
    const wide = `select {{ n }} as n_value from dual where ${conditions}`;
    const result = await querySource.recordProperties(FIXTURE_APP, { query: wide }, { identity: { column: "", propertyKey: "" }, properties: [read("n", "n_value", "exact")], records: many }, ctx);
    for (const i of [0, 1427, 1428, 1499]) expect(result.get(`r${i}`)).toEqual({ n: [String(i)] });
    expect(dataStatements(statements)).toHaveLength(2);
  });

  it("refuses a Property on a column the query does not return", async () => {
    const { ctx } = recordingContext();
    const attempt = querySource.recordProperties(FIXTURE_APP, { query }, { identity: { column: "", propertyKey: "" }, properties: [read("x", "lifetime", "exact")], records: records.slice(0, 2) }, ctx);
    await expect(attempt).rejects.toMatchObject({ code: "not_found", message: `The query's result has no column "lifetime"; it has ltv, last_purchase_at, purchase_count` });
  });
});
