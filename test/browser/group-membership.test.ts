import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_FIXTURE } from "../support/customer-databases";
import { StackCaller } from "./support/stack";

const CUSTOMERS = 300;
const suffix = Date.now().toString(36);
const USERS = `e2e_group_users_${suffix}`;
const PURCHASES = `e2e_group_purchases_${suffix}`;
const sql = postgres({ ...POSTGRES_FIXTURE, onnotice: () => {} });

/** The Groups a person would build, each with the query over the source data that must give exactly its members. */
const GROUPS = [
  {
    name: "US customers with ltv > 100",
    rules: {
      match: "all",
      rules: [
        { property: "country", operator: "equals", value: "US" },
        { property: "ltv", operator: "gt", value: 100 },
      ],
    },
    query: () => sql.unsafe(`select u.email from ${USERS} u join ${PURCHASES} p on p.user_id = u.id where u.country = 'US' group by u.email having sum(p.amount) > 100`),
  },
  {
    name: "Purchased in the last 30 days",
    rules: { match: "all", rules: [{ property: "last_purchase_at", operator: "in_last", amount: 30, unit: "days" }] },
    query: () => sql.unsafe(`select distinct u.email from ${USERS} u join ${PURCHASES} p on p.user_id = u.id where p.created_at >= now() - interval '30 days' and p.created_at <= now()`),
  },
  {
    name: "Gmail users or DE/FR",
    rules: {
      match: "any",
      rules: [
        { property: "email", operator: "ends_with", value: "@gmail.com" },
        { property: "country", operator: "in", values: ["DE", "FR"] },
      ],
    },
    query: () => sql.unsafe(`select email from ${USERS} where email like '%@gmail.com' or country in ('DE', 'FR')`),
  },
] as const;

beforeAll(async () => {
  await sql.unsafe(`create table ${USERS} as select id, email, first_name, country, updated_at from users where id <= ${CUSTOMERS}`);
  await sql.unsafe(`alter table ${USERS} add primary key (id)`);
  await sql.unsafe(`create table ${PURCHASES} as select id, user_id, amount, created_at from purchases where user_id <= ${CUSTOMERS}`);
  // Every purchase in the fixture is years old and every address is at example.com: give the rules something to find.
  await sql.unsafe(`update ${USERS} set email = replace(email, '@example.com', '@gmail.com') where id % 11 = 0`);
  await sql.unsafe(`update ${PURCHASES} set created_at = now() - (user_id % 25) * interval '1 day' - interval '1 hour' where user_id % 7 = 0`);
});

afterAll(async () => {
  await sql.unsafe(`drop table if exists ${PURCHASES}`);
  await sql.unsafe(`drop table if exists ${USERS}`);
  await sql.end();
});

async function memberEmails(as: StackCaller, groupId: string, emailOf: Map<string, string>) {
  const emails: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { members: { recordId: string }[]; nextCursor: string | null } = await as.ok("GET", `/groups/${groupId}/members?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    emails.push(...page.members.map((m) => emailOf.get(m.recordId)!));
    cursor = page.nextCursor;
  } while (cursor);
  return emails.sort();
}

async function emailsByRecord(as: StackCaller) {
  const emailOf = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const page: { records: { id: string; properties: { email: string } }[]; nextCursor: string | null } = await as.ok("GET", `/records?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    for (const r of page.records) emailOf.set(r.id, r.properties.email);
    cursor = page.nextCursor;
  } while (cursor);
  return emailOf;
}

const expectedEmails = async (query: () => Promise<unknown[]>) => ((await query()) as { email: string }[]).map((r) => r.email).sort();

describe("calculated Groups over a real PostgreSQL Source", { timeout: 300_000 }, () => {
  it("hold exactly what the equivalent SQL over the source data returns, before and after the rows change", async () => {
    const as = await StackCaller.signUp("groupsql");
    const { app } = await as.ok("POST", "/apps", { name: "Warehouse", plugin: "postgres", type: "postgres", options: { ...POSTGRES_FIXTURE, ssl: "disable" } });
    const { source: users } = await as.ok("POST", "/sources", { appId: app.id, name: "Users", type: "table", options: { table: USERS }, identity: { column: "email", propertyKey: "email", propertyType: "email" } });
    await as.ok("POST", "/properties", { key: "user_id", type: "integer", unique: true, sourceId: users.id, column: "id" });
    await as.ok("POST", "/properties", { key: "country", type: "string", sourceId: users.id, column: "country" });
    const { source: purchases } = await as.ok("POST", "/sources", {
      appId: app.id,
      name: "Purchases",
      type: "table",
      role: "enrich",
      options: { table: PURCHASES },
      identity: { column: "user_id", propertyKey: "user_id" },
    });
    await as.ok("POST", "/properties", { key: "ltv", type: "float", sourceId: purchases.id, column: "amount", aggregation: "sum" });
    await as.ok("POST", "/properties", { key: "last_purchase_at", type: "date", sourceId: purchases.id, column: "created_at", aggregation: "max" });
    const { schedule } = await as.ok("POST", "/schedules", { sourceId: users.id, name: "All users" });
    expect((await as.run(schedule.id)).counters).toMatchObject({ rowsRead: CUSTOMERS, recordsCreated: CUSTOMERS, errors: 0 });

    const groups = [];
    for (const spec of GROUPS) {
      const { group, run } = await as.ok("POST", "/groups", { name: spec.name, type: "calculated", rules: spec.rules });
      expect((await as.waitForRun(run.id)).state).toBe("complete");
      groups.push({ ...spec, id: group.id as string });
    }
    const emailOf = await emailsByRecord(as);
    for (const group of groups) {
      const expected = await expectedEmails(group.query);
      // A check that passes with nobody (or everybody) in the Group would prove nothing.
      expect(expected.length, group.name).toBeGreaterThan(5);
      expect(expected.length, group.name).toBeLessThan(CUSTOMERS - 5);
      expect(await memberEmails(as, group.id, emailOf), group.name).toEqual(expected);
    }

    // The source changes: people move country, spend more, buy again, and a recent purchase turns out older.
    await sql.unsafe(`update ${USERS} set country = case when country = 'US' then 'DE' else 'US' end where id % 13 = 0`);
    await sql.unsafe(`update ${PURCHASES} set amount = amount + 150 where user_id % 17 = 0`);
    await sql.unsafe(`update ${PURCHASES} set created_at = now() - interval '2 days' where user_id % 19 = 0`);
    await sql.unsafe(`update ${PURCHASES} set created_at = now() - interval '90 days' where user_id % 14 = 0`);
    const second = await as.run(schedule.id);
    expect(second.state).toBe("complete");
    expect(second.counters.recordsUpdated).toBeGreaterThan(20);
    for (const group of groups) {
      expect(await memberEmails(as, group.id, emailOf), `${group.name} after the change`).toEqual(await expectedEmails(group.query));
    }

    // Explanations agree: a member matched every rule, with its own values shown.
    const [usHighValue] = groups;
    const { members } = await as.ok("GET", `/groups/${usHighValue!.id}/members?limit=1`);
    const explained = await as.ok("GET", `/groups/${usHighValue!.id}/explain/${members[0].recordId}`);
    expect(explained).toMatchObject({ member: true, matches: true });
    expect(explained.explanation.rules.map((r: { matched: boolean }) => r.matched)).toEqual([true, true]);
    expect(explained.explanation.rules[0].recordValues).toEqual([expect.objectContaining({ value: "US" })]);
  });
});
