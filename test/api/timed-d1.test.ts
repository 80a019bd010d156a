import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { timedDatabase } from "../../worker/db/timed-d1";

type Call = { sql: string; ms: number; sqlMs: number | undefined };

function recorded() {
  const calls: Call[] = [];
  return { calls, db: timedDatabase(env.DB, (text, ms, sqlMs) => calls.push({ sql: text, ms, sqlMs })) };
}

describe("database calls are timed", () => {
  it("times each statement with its SQL and the time D1 gives for it, returning what D1 returned", async () => {
    const { calls, db } = recorded();
    const row = await db.prepare("select ? + ? as n").bind(2, 3).first<{ n: number }>();
    const all = await db.prepare("select value from json_each(?) order by value").bind("[3,1,2]").all<{ value: number }>();
    expect(row).toEqual({ n: 5 });
    expect(all.results.map((r) => r.value)).toEqual([1, 2, 3]);
    expect(calls.map((c) => c.sql)).toEqual(["select ? + ? as n", "select value from json_each(?) order by value"]);
    expect(calls[0]!.sqlMs).toBeUndefined();
    expect(typeof calls[1]!.sqlMs).toBe("number");
  });

  it("runs a batch as one and names its slowest statement", async () => {
    const { calls, db } = recorded();
    const slow = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 200000) select count(*) as c from n";
    const results = await db.batch([db.prepare("select 1 as one"), db.prepare(slow), db.prepare("select ? as two").bind(2)]);
    expect(results.map((r) => r.results[0])).toEqual([{ one: 1 }, { c: 200000 }, { two: 2 }]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.sql).toBe(`batch of 3, slowest: ${slow}`);
  });

  it("serves drizzle's queries unchanged", async () => {
    const { calls, db } = recorded();
    const rows = await createDb(db).all<{ x: number }>(sql`select 7 as x`);
    expect(rows).toEqual([{ x: 7 }]);
    expect(calls.map((c) => c.sql)).toEqual(["select 7 as x"]);
  });
});
