import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authProof } from "../../../plugins/mysql/wire/auth";
import { adminConnection, dataStatements, FIXTURE_APP, mysqlApp, querySource, read, recordingContext, tableSource, uniqueName, dropTable } from "./mysql-support";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

describe("MySQL wire protocol", () => {
  it("proves a password for both sign-in methods exactly as other MySQL clients do", async () => {
    // Reference proofs for this password and scramble, computed with an independent MySQL client library.
    const scramble = new TextEncoder().encode("0123456789abcdefghij");
    expect(hex(await authProof("mysql_native_password", "s3cret pässword", scramble))).toBe("691dd2430b2af8e02b99dba34d8f71c9923360b4");
    expect(hex(await authProof("caching_sha2_password", "s3cret pässword", scramble))).toBe("81913db80f5ed2d7d0dcdedfb09b48f9b5b72443142afb39c50ccb1a011a4824");
    // The trailing NUL some servers send after the scramble is not part of it.
    expect(await authProof("caching_sha2_password", "s3cret pässword", new Uint8Array([...scramble, 0]))).toEqual(await authProof("caching_sha2_password", "s3cret pässword", scramble));
    expect(await authProof("mysql_native_password", "", scramble)).toHaveLength(0);
  });

  it("reads a row bigger than one 16 MiB packet", async () => {
    const { ctx } = recordingContext();
    const { rows } = await querySource.preview(FIXTURE_APP, { query: "select repeat('x', 16777210) as big, 'after' as tail" }, { limit: 1 }, ctx);
    expect(String(rows[0]!.big)).toHaveLength(16777210);
    expect(rows[0]!.tail).toBe("after");
  });

  it("gives up on a host that never answers after the connect timeout", async () => {
    const started = Date.now();
    const result = await mysqlApp.test({ ...FIXTURE_APP, host: "10.255.255.1" }, recordingContext().ctx);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^Could not connect to 10\.255\.255\.1:3306/) });
    expect(Date.now() - started).toBeLessThan(7000);
  }, 10_000);

  it("opens every session in UTC, with a statement time limit, inside a read-only transaction", async () => {
    const { ctx, statements } = recordingContext();
    const { rows } = await querySource.preview(
      FIXTURE_APP,
      { query: "select @@session.time_zone as tz, @@session.max_statement_time as limit_s, @@in_transaction as in_tx" },
      { limit: 1 },
      ctx,
    );
    expect(rows).toEqual([{ tz: "+00:00", limit_s: 10, in_tx: 1 }]);
    expect(statements.slice(0, 2)).toEqual(["SET SESSION time_zone = '+00:00', max_statement_time = 10", "START TRANSACTION READ ONLY"]);
    expect(dataStatements(statements)).toHaveLength(1);
  });
});

describe("MySQL values", () => {
  const table = uniqueName("types");

  beforeAll(async () => {
    const admin = await adminConnection();
    try {
      await admin.command(`CREATE TABLE \`${table}\` (
        id INT PRIMARY KEY, price DECIMAL(30,10), big BIGINT, ubig BIGINT UNSIGNED, tiny TINYINT, happened_at DATETIME(6), stamped_at TIMESTAMP(3) NULL,
        day DATE, duration TIME(2), ratio DOUBLE, approx FLOAT, doc JSON, raw VARBINARY(8), flags BIT(8), size ENUM('s','m','l'), label VARCHAR(50))`);
      // TIMESTAMPs are written in +02:00 here and must read back in UTC.
      await admin.command("SET time_zone = '+02:00'");
      await admin.execute(`INSERT INTO \`${table}\` VALUES (1, ?, ?, ?, -5, ?, ?, ?, ?, 0.1, 1.1, ?, X'00FF10', b'10100101', 'm', ?)`, [
        "12345678901234567890.1234567891",
        "9007199254740993",
        "18446744073709551615",
        "2024-02-29 23:59:59.123456",
        "2024-06-01 12:00:00.250",
        "2024-02-29",
        "-838:59:59.50",
        '{"a": [1, 2]}',
        "Zoë 🎉",
      ]);
      await admin.command(`INSERT INTO \`${table}\` (id) VALUES (2)`);
      await admin.command(`INSERT INTO \`${table}\` (id, price, label) VALUES (3, 0.1, 'sum'), (4, 0.2, 'sum'), (5, 12345678901234567890.1234567891, 'SUM ')`);
    } finally {
      await admin.close();
    }
  });

  afterAll(() => dropTable(table));

  it("keeps every value exact and JSON-safe: decimals and big integers as text, times as ISO-8601 UTC, bytes as hex", async () => {
    const { ctx } = recordingContext();
    const { rows, columns } = await tableSource.preview(FIXTURE_APP, { table }, { limit: 2 }, ctx);
    expect(rows).toEqual([
      {
        id: 1,
        price: "12345678901234567890.1234567891",
        big: "9007199254740993",
        ubig: "18446744073709551615",
        tiny: -5,
        happened_at: "2024-02-29T23:59:59.123456Z",
        stamped_at: "2024-06-01T10:00:00.250Z",
        day: "2024-02-29",
        duration: "-838:59:59.50",
        ratio: 0.1,
        approx: 1.1,
        doc: '{"a": [1, 2]}',
        raw: "0x00ff10",
        flags: 165,
        size: "m",
        label: "Zoë 🎉",
      },
      Object.fromEntries(Object.keys(rows[0]!).map((k) => [k, k === "id" ? 2 : null])),
    ]);
    expect(columns.filter((c) => c.incremental).map((c) => c.name)).toEqual(["id", "price", "big", "ubig", "tiny", "happened_at", "stamped_at", "day"]);
  });

  it("sums decimals without a float's rounding, and matches text the way the collation does", async () => {
    const { ctx } = recordingContext();
    const result = await tableSource.recordProperties(
      FIXTURE_APP,
      { table },
      { identity: { column: "label", propertyKey: "label" }, properties: [read("total", "price", "sum")], records: [{ recordId: "r", values: { label: "sum" } }] },
      ctx,
    );
    // 'SUM ' equals 'sum' under utf8mb4_general_ci (case and trailing spaces ignored), so all three rows count.
    expect(result.get("r")).toEqual({ total: ["12345678901234567890.4234567891"] });
  });

  it("compares a TIMESTAMP mark in UTC, to the microsecond", async () => {
    const { ctx } = recordingContext();
    const page = (after: string) => tableSource.importRecords!(FIXTURE_APP, { table, columns: ["id", "stamped_at"] }, { cursor: null, limit: 10, incremental: { column: "stamped_at", after } }, ctx);
    expect((await page("2024-06-01T10:00:00.250Z")).rows).toEqual([{ id: 1, stamped_at: "2024-06-01T10:00:00.250Z" }]);
    expect((await page("2024-06-01T12:00:00.250+02:00")).highWaterMark).toBe("2024-06-01T10:00:00.250Z");
    expect((await page("2024-06-01T10:00:00.250001Z")).rows).toEqual([]);
  });
});

describe("MySQL query text", () => {
  const check = (query: string) => {
    const parsed = querySource.optionsSchema.safeParse({ query });
    return parsed.success ? "ok" : parsed.error.issues[0]!.message;
  };

  it("accepts one SELECT with bare placeholders, and a ? or placeholder-like text inside quotes only when it is no placeholder", () => {
    expect(check("select * from users where id = {{ user_id }};  -- done\n")).toBe("ok");
    expect(check("select 'what?' as q, `odd``name` from users where email = {{ email }}")).toBe("ok");
    expect(querySource.placeholders!({ query: "select {{ a }}, {{ b }}, {{a}} from dual" })).toEqual(["a", "b"]);
  });

  it("refuses what it could not bind safely, saying why", () => {
    expect(check("select * from users where email = '{{ email }}'")).toContain("{{ email }} is inside a quoted string");
    expect(check("select * from users where id = {{ id }} -- or {{ other }}")).toContain("{{ other }} is inside a comment");
    expect(check("select * from users where id = ?")).toBe("Use {{ property_key }} placeholders for values, not ?");
    expect(check("select 1; delete from users")).toBe("The query must be a single statement");
    expect(check("select 'unclosed from users")).toBe("The query has an unclosed ' quote");
    expect(check("select {{ Not A Key }}")).toContain(`"{{" must start a placeholder`);
    expect(check("  ;  ")).toBe("The query is empty");
  });
});
