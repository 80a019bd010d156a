// Groups benchmark: imports the shared benchmark dataset through the API, then times the full
// recalculation of five calculated Groups, the preview of their rules, an incremental Run that
// re-judges the Records it changes, and the rules' predicate in memory; every Group is checked
// against the same question asked of PostgreSQL. Usage: npm run bench:groups [-- --users 100000]
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  benchEachSize,
  configure,
  DATABASE,
  followRun,
  loadDataset,
  median,
  memoryTmpdir,
  perSecond,
  RESULTS,
  root,
  seconds,
  timeRun,
  usersOption,
  withApi,
} from "./support.mjs";

const sizes = usersOption("100000");

/** Records the predicate is evaluated over in memory, whatever the size of the import. */
const SYNTHETIC_RECORDS = 100_000;
/** Previews per rule tree; the median is reported. */
const PREVIEWS = 5;
/** Members and non-members per Group whose explanation is checked. */
const EXPLAINED = 10;
/** Members and Records listed per request (the API's largest page). */
const PAGE = 200;
/** A recalculation of 10,000 Records takes a few seconds, and an incremental Run of 1% as long, so the import's 500 ms polling would blur them. */
const FAST_POLL_MS = 100;

const PURCHASE_PROPERTIES = [
  { key: "purchase_count", type: "integer", column: "id", aggregation: "count" },
  { key: "last_purchase_at", type: "date", column: "created_at", aggregation: "max" },
];

/**
 * The Groups, each with the condition over `facts` (one row per user, below) that must select
 * exactly its members. `since` is just before the import, so the created_at rule holds for every
 * Record: created_at is when the Record was created here, which the source data knows nothing of.
 */
const groupSpecs = (since) => [
  {
    name: "US customers with ltv > 100",
    rules: { match: "all", rules: [{ property: "country", operator: "equals", value: "US" }, { property: "ltv", operator: "gt", value: 100 }] },
    where: "country = 'US' and ltv > 100",
  },
  {
    name: "Purchased in the last 30 days",
    rules: { match: "all", rules: [{ property: "last_purchase_at", operator: "in_last", amount: 30, unit: "days" }] },
    where: "last_purchase_at between now() - interval '30 days' and now()",
  },
  {
    name: "Gmail users or DE/FR",
    rules: {
      match: "any",
      rules: [
        { property: "email", operator: "ends_with_ci", value: "@gmail.com" },
        { property: "country", operator: "in", values: ["DE", "FR"] },
      ],
    },
    where: "lower(email) like '%@gmail.com' or country in ('DE', 'FR')",
  },
  {
    name: "Big spenders outside the US",
    rules: { match: "all", rules: [{ property: "ltv", operator: "between", values: [500, 2000] }, { property: "country", operator: "not_equals", value: "US" }] },
    where: "ltv between 500 and 2000 and country <> 'US'",
  },
  {
    name: "Nested: J names, or loyal GB/CA/AU",
    rules: {
      match: "all",
      rules: [
        { property: "created_at", operator: "gte", value: since },
        {
          match: "any",
          rules: [
            { property: "first_name", operator: "starts_with", value: "J" },
            {
              match: "all",
              rules: [
                { property: "country", operator: "in", values: ["GB", "CA", "AU"] },
                { property: "purchase_count", operator: "gte", value: 4 },
              ],
            },
          ],
        },
      ],
    },
    where: "first_name like 'J%' or (country in ('GB', 'CA', 'AU') and purchase_count >= 4)",
  },
];

/** Gives "gmail" and "purchased in the last 30 days" members; done before the import, so every Record keeps the address it is identified by. */
async function prepareSource(sql) {
  const gmail = await sql`update users set email = 'user' || id || '@gmail.com' where id % 11 = 0`;
  const recent = await sql`
    update purchases set created_at = date_trunc('second', now()) - (user_id / 7 % 20) * interval '1 day' - (id % 24 + 1) * interval '1 hour'
    where user_id % 7 = 0`;
  return { gmailUsers: gmail.count, recentPurchases: recent.count };
}

const expectedEmails = async (sql, where) =>
  new Set(
    (
      await sql.unsafe(`
        with facts as (
          select u.email, u.first_name, u.country, sum(p.amount) as ltv, count(p.id) as purchase_count, max(p.created_at) as last_purchase_at
          from users u left join purchases p on p.user_id = u.id group by u.id)
        select email from facts where ${where}`)
    ).map((r) => r.email),
  );

async function* pages(call, route, field) {
  let cursor = null;
  do {
    const page = await call("GET", `${route}${route.includes("?") ? "&" : "?"}limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    yield page[field];
    cursor = page.nextCursor;
  } while (cursor);
}

/** Every Record's email by id, from the listing: a few hundred requests where one per Record would take 100,000. */
async function emailsByRecord(call) {
  const started = performance.now();
  const emailOf = new Map();
  for await (const records of pages(call, "/records", "records")) for (const r of records) emailOf.set(r.id, r.properties.email);
  return { emailOf, ms: performance.now() - started };
}

async function memberIds(call, groupId) {
  const started = performance.now();
  const ids = [];
  for await (const members of pages(call, `/groups/${groupId}/members`, "members")) ids.push(...members.map((m) => m.recordId));
  return { ids, ms: performance.now() - started };
}

const difference = (a, b) => [...a].filter((x) => !b.has(x));

/** A Group's members against the PostgreSQL answer, by email, and its stored count against both. */
async function compareGroup(call, sql, group, emailOf) {
  const [{ ids, ms }, expected, { group: stored }] = await Promise.all([memberIds(call, group.id), expectedEmails(sql, group.where), call("GET", `/groups/${group.id}`)]);
  const emails = new Set(ids.map((id) => emailOf.get(id) ?? `unknown Record ${id}`));
  const missing = difference(expected, emails);
  const extra = difference(emails, expected);
  return {
    ids,
    emails,
    expected,
    result: {
      expected: expected.size,
      members: ids.length,
      memberCount: stored.memberCount,
      missing: missing.length,
      extra: extra.length,
      duplicates: ids.length - emails.size,
      examples: { missing: missing.slice(0, 5), extra: extra.slice(0, 5) },
      listSeconds: seconds(ms),
      ok: missing.length === 0 && extra.length === 0 && ids.length === emails.size && stored.memberCount === expected.size,
    },
  };
}

/** Spread evenly over a sorted list, so the same Records are picked on every run of the same data. */
const spread = (sorted, count) => (sorted.length <= count ? sorted : Array.from({ length: count }, (_, i) => sorted[Math.floor((i * sorted.length) / count)]));

/** Whether the explanation (the in-memory predicate over D1's values) agrees with the membership D1 computed. */
async function checkExplanations(call, group, memberIdList, allIds) {
  const members = new Set(memberIdList);
  const picked = [...spread([...members].sort(), EXPLAINED), ...spread(allIds.filter((id) => !members.has(id)), EXPLAINED)];
  const disagreements = [];
  for (const recordId of picked) {
    const explained = await call("GET", `/groups/${group.id}/explain/${recordId}`);
    if (explained.member !== members.has(recordId) || explained.matches !== explained.member) {
      disagreements.push({ recordId, listed: members.has(recordId), member: explained.member, matches: explained.matches });
    }
  }
  return { checked: picked.length, disagreements };
}

/** Lines of the Worker's log so far, to read what happened after a given point. */
const logLines = async (logPath) => (await readFile(logPath, "utf8")).split("\n");

/**
 * Waits until the Records a recalculation moved have all been handed to their objects, as the
 * Worker logs each hand-over message, and says how long that took after the Run finished.
 */
async function handOver(logPath, fromLine, moved, runFinished) {
  const giveUpAt = performance.now() + 30 * 60_000;
  for (;;) {
    const entries = (await logLines(logPath)).slice(fromLine).map((line) => logEntry(line, "handed over membership")).filter(Boolean);
    const records = entries.reduce((sum, e) => sum + e.records, 0);
    if (records >= moved || performance.now() > giveUpAt) {
      const last = entries.length ? Date.parse(entries.at(-1).time) : runFinished;
      return { records, taken: entries.reduce((sum, e) => sum + e.taken, 0), messages: entries.length, secondsAfterRun: seconds(Math.max(0, last - runFinished)) };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function recalculate(call, spec, logPath) {
  const fromLine = (await logLines(logPath)).length;
  const started = performance.now();
  const { group, run } = await call("POST", "/groups", { name: spec.name, type: "calculated", rules: spec.rules });
  const { run: done, ms } = await followRun(call, run.id, { started, pollMs: FAST_POLL_MS });
  const { group: after } = await call("GET", `/groups/${group.id}`);
  const moved = done.counters.membersJoined + done.counters.membersLeft;
  return {
    ...spec,
    id: group.id,
    recalculation: {
      runId: done.id,
      recordsEvaluated: done.counters.rowsRead,
      members: after.memberCount,
      joined: done.counters.membersJoined,
      seconds: seconds(ms),
      serverSeconds: seconds(Date.parse(done.finishedAt) - Date.parse(done.createdAt)),
      recordsPerSecond: perSecond(done.counters.rowsRead, ms),
      handOver: await handOver(logPath, fromLine, moved, Date.parse(done.finishedAt)),
    },
  };
}

async function timePreview(call, rules) {
  const times = [];
  let count = null;
  for (let i = 0; i < PREVIEWS; i++) {
    const started = performance.now();
    ({ count } = await call("POST", "/groups/preview", { rules }));
    times.push(performance.now() - started);
  }
  return { count, medianMs: Math.round(median(times)), minMs: Math.round(Math.min(...times)), maxMs: Math.round(Math.max(...times)) };
}

/**
 * Moves one user in every hundred between the US and DE (anyone elsewhere to the US) and their
 * updated_at to now. The one picked sits at a different place in each block of a hundred ids: a
 * fixed remainder would pick users who all have the same number of purchases (dataset.sql gives
 * user u 1 + (7u mod 5)), and so never touch the Groups about spending.
 */
const changeOnePercent = (sql) => sql`
  update users set country = case when country = 'US' then 'DE' else 'US' end, updated_at = now()
  where id % 100 = (id / 100) % 100 returning id`;

const changeOf = (before, after) => ({ joined: difference(after, before).length, left: difference(before, after).length });

async function bench(n) {
  console.log(`\n== ${n} users`);
  const dataset = await loadDataset(n);
  console.log(dataset.loaded ? `loaded ${DATABASE} in ${seconds(dataset.ms)} s` : `${DATABASE} already holds ${n} users`);
  return withApi({ logName: `wrangler-groups-${n}.log`, stateParent: memoryTmpdir() }, async ({ call, sql, logPath }) => {
    const prepared = await prepareSource(sql);
    console.log(
      `before the import, in ${DATABASE}: ${prepared.gmailUsers} users (every 11th) moved to gmail.com, ` +
        `${prepared.recentPurchases} purchases of every 7th user moved into the last 20 days`,
    );
    const since = new Date().toISOString();
    const schedule = await configure(call, PURCHASE_PROPERTIES);
    const full = await timeRun(call, schedule.id);
    console.log(`full import: ${full.counters.recordsCreated} Records in ${full.totalSeconds} s`);

    const groups = [];
    for (const spec of groupSpecs(since)) {
      const group = await recalculate(call, spec, logPath);
      const { members, recordsEvaluated, seconds: took, handOver: handed } = group.recalculation;
      console.log(`${group.name}: ${members} members of ${recordsEvaluated} in ${took} s; ${handed.taken} of ${handed.records} objects told ${handed.secondsAfterRun} s after the Run`);
      groups.push(group);
    }
    for (const group of groups) group.preview = await timePreview(call, group.rules);

    const { emailOf, ms: listMs } = await emailsByRecord(call);
    console.log(`listed ${emailOf.size} Records in ${seconds(listMs)} s`);
    const allIds = [...emailOf.keys()].sort();
    const before = new Map();
    for (const group of groups) {
      const compared = await compareGroup(call, sql, group, emailOf);
      group.check = { ...compared.result, previewCount: group.preview.count, explained: await checkExplanations(call, group, compared.ids, allIds) };
      group.check.ok &&= group.preview.count === compared.result.expected && group.check.explained.disagreements.length === 0;
      // Every Record the recalculation moved reached its object, and each object took it.
      const { handOver: told, joined } = group.recalculation;
      group.check.ok &&= told.records === joined && told.taken === joined;
      before.set(group.id, compared);
      // Printed as it comes, so a later step that fails does not take these figures with it.
      console.log(
        `${group.name}: ${compared.result.ok ? "equals" : "differs from"} PostgreSQL (${compared.result.expected} expected); ` +
          `preview ${group.preview.count} in ${group.preview.medianMs} ms median (${group.preview.minMs}–${group.preview.maxMs})`,
      );
    }

    const changed = await changeOnePercent(sql);
    const linesBeforeIncremental = (await logLines(logPath)).length;
    const incremental = await timeRun(call, schedule.id, { pollMs: FAST_POLL_MS });
    const rejudged = incremental.counters.recordsCreated + incremental.counters.recordsUpdated + incremental.counters.recordsUnchanged;
    for (const group of groups) {
      const was = before.get(group.id);
      const now = await compareGroup(call, sql, group, emailOf);
      group.afterChange = { ...now.result, expectedChange: changeOf(was.expected, now.expected), actualChange: changeOf(was.emails, now.emails) };
      console.log(`after the change, ${group.name}: ${now.result.ok ? "equals" : "differs from"} PostgreSQL (${now.result.expected} expected)`);
    }

    const result = {
      users: n,
      sourceChanges: prepared,
      createdSince: since,
      full,
      recordsListSeconds: seconds(listMs),
      groups: groups.map(({ id, name, rules, where, recalculation, preview, check, afterChange }) => ({ id, name, rules, where, recalculation, preview, check, afterChange })),
      incremental: {
        ...incremental,
        changedRows: changed.length,
        recordsRejudged: rejudged,
        updatedPerSecond: perSecond(incremental.counters.recordsUpdated, incremental.totalSeconds * 1000),
        rejudgedPerSecond: perSecond(rejudged, incremental.totalSeconds * 1000),
      },
      inMemory: await predicateRates(groups),
      worker: { ...workerLog(await logLines(logPath), linesBeforeIncremental), retriedReads: call.retriedReads },
    };
    await writeFile(path.join(RESULTS, `groups-${n}.json`), JSON.stringify(result, null, 2) + "\n");
    return result;
  });
}

const logEntry = (line, msg) => {
  if (!line.includes(`"msg":"${msg}"`)) return null;
  try {
    return JSON.parse(line.slice(line.indexOf("{"), line.lastIndexOf("}") + 1));
  } catch {
    return null;
  }
};

/** Milliseconds per 100 Records in each phase of hydration (the Worker logs them per batch). */
function hydrationPhases(lines) {
  const totals = {};
  let records = 0;
  for (const entry of lines.map((line) => logEntry(line, "hydrated batch")).filter(Boolean)) {
    records += entry.records;
    for (const [phase, ms] of Object.entries(entry.ms)) totals[phase] = (totals[phase] ?? 0) + ms;
  }
  return { records, msPer100Records: Object.fromEntries(Object.entries(totals).map(([phase, ms]) => [phase, records ? Math.round((ms * 100) / records) : null])) };
}

/** What the Worker's log says went wrong or slow: queue messages that failed, and hydration's phases. */
function workerLog(lines, linesBeforeIncremental) {
  const failedMessages = lines.map((line) => logEntry(line, "queue message failed")).filter(Boolean);
  return {
    failedQueueMessages: failedMessages.length,
    // A failed query's message goes on with the whole statement and its parameters; its first words say enough.
    failedQueueMessageErrors: [...new Set(failedMessages.map((e) => `${e.queue}: ${String(e.error).split("\n")[0].slice(0, 80)}`))],
    hydration: { full: hydrationPhases(lines.slice(0, linesBeforeIncremental)), incremental: hydrationPhases(lines.slice(linesBeforeIncremental)) },
    slowDatabaseCalls: slowDatabaseCalls(lines),
  };
}

/** The Worker logs every database call over a second; the same statements together, the slowest first. */
function slowDatabaseCalls(lines) {
  const bySql = new Map();
  for (const entry of lines.map((line) => logEntry(line, "slow database call")).filter(Boolean)) {
    const key = entry.sql.slice(0, 120);
    const seen = bySql.get(key) ?? { sql: key, calls: 0, maxMs: 0, maxSqlMs: 0 };
    Object.assign(seen, { calls: seen.calls + 1, maxMs: Math.max(seen.maxMs, entry.ms), maxSqlMs: Math.max(seen.maxSqlMs, entry.sqlMs ?? 0) });
    bySql.set(key, seen);
  }
  return [...bySql.values()].sort((a, b) => b.maxMs - a.maxMs).slice(0, 10);
}

/** The rule engine as plain JavaScript: the TypeScript modules bundled into one file and imported. */
async function loadRuleEngine() {
  const { build } = await import("esbuild");
  const dir = await mkdtemp(path.join(tmpdir(), "groupflow-rules-"));
  const outfile = path.join(dir, "rules.mjs");
  try {
    await build({
      stdin: {
        contents: ["predicate", "validate"].map((m) => `export * from "./worker/rules/${m}.ts";`).join("\n") + `\nexport { coerce } from "./worker/properties/coerce.ts";`,
        resolveDir: root,
        loader: "ts",
      },
      bundle: true,
      format: "esm",
      platform: "node",
      outfile,
      logLevel: "error",
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const COUNTRIES = ["US", "US", "US", "US", "GB", "DE", "FR", "CA", "BR", "IN", "JP", "AU", "MX", "ES", "US", "US", "US", "US", "NL", "SE"];
const FIRST_NAMES = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Chris", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra", "Sofia", "Lucas"];
const hash = (x, k) => (x * k) % 4294967296;

/** Records shaped like the imported ones (dataset.sql's formulas and this benchmark's changes), each value coerced as the pipeline stores it. */
function syntheticRecords(coerce, types, count, now) {
  const stored = (key, raw) => [{ value: coerce(types[key], raw).value }];
  const records = [];
  for (let g = 1; g <= count; g++) {
    const purchases = Array.from({ length: 1 + ((g * 7) % 5) }, (_, i) => ({
      amount: (((g * 2654435761 + (i + 1) * 40503) % 4294967296) % 20000) / 100,
      at: g % 7 === 0 ? now - (Math.floor(g / 7) % 20) * 86_400_000 - (i + 1) * 3_600_000 : Date.UTC(2020, 0, 1) + g * 37_000 + (i + 1) * 86_400_000,
    }));
    records.push({
      createdAt: now,
      values: {
        email: stored("email", `user${g}@${g % 11 === 0 ? "gmail" : "example"}.com`),
        user_id: stored("user_id", g),
        first_name: stored("first_name", FIRST_NAMES[hash(g, 2654435761) % 32]),
        country: stored("country", COUNTRIES[Math.floor(hash(g, 3266489917) / 13) % 20]),
        ltv: stored("ltv", purchases.reduce((sum, p) => sum + p.amount, 0).toFixed(2)),
        purchase_count: stored("purchase_count", purchases.length),
        last_purchase_at: stored("last_purchase_at", new Date(Math.max(...purchases.map((p) => p.at)))),
      },
    });
  }
  return records;
}

/** Evaluations per second of `evaluate` over the Records, best of a few passes of at least half a second. */
function rate(records, evaluate) {
  let best = 0;
  let matches = 0;
  for (let pass = 0; pass < 3; pass++) {
    const started = performance.now();
    let evaluated = 0;
    do {
      matches = 0;
      for (const record of records) if (evaluate(record)) matches += 1;
      evaluated += records.length;
    } while (performance.now() - started < 500);
    best = Math.max(best, perSecond(evaluated, performance.now() - started));
  }
  return { matches, perSecond: best };
}

/**
 * Each tree compiled once and run over the synthetic Records, and compiled anew for every Record
 * as a Record's object does when it settles (worker/groups/verdicts.ts).
 */
async function predicateRates(groups) {
  const { coerce, compilePredicate, validateRuleTree } = await loadRuleEngine();
  const types = { email: "email", user_id: "integer", first_name: "string", last_name: "string", country: "string", ltv: "float", purchase_count: "integer", last_purchase_at: "date" };
  const catalog = Object.entries(types).map(([key, type]) => ({ key, type, isArray: false }));
  const ctx = { propertiesByKey: new Map(catalog.map((p) => [p.key, p])), now: Date.now() };
  const records = syntheticRecords(coerce, types, SYNTHETIC_RECORDS, ctx.now);
  return groups.map(({ name, rules }) => {
    const checked = validateRuleTree(rules, catalog);
    if (!checked.ok) throw new Error(`${name}: ${JSON.stringify(checked.errors)}`);
    const compiled = compilePredicate(checked.tree, ctx);
    const once = rate(records, compiled);
    const perRecord = rate(records, (record) => compilePredicate(checked.tree, ctx)(record));
    return { name, records: records.length, matches: once.matches, compiledOncePerSecond: once.perSecond, compiledPerRecordPerSecond: perRecord.perSecond };
  });
}

function printResult(r) {
  console.log(`\n${r.users} users: full import ${r.full.totalSeconds} s; Records listed for the checks in ${r.recordsListSeconds} s`);
  console.table(
    r.groups.map((g) => ({
      group: g.name,
      evaluated: g.recalculation.recordsEvaluated,
      members: g.recalculation.members,
      "recalc s": g.recalculation.seconds,
      "server s": g.recalculation.serverSeconds,
      "rec/s": g.recalculation.recordsPerSecond,
      "objects told": `${g.recalculation.handOver.taken}/${g.recalculation.handOver.records}`,
      "told s after": g.recalculation.handOver.secondsAfterRun,
      "preview ms": g.preview.medianMs,
      postgres: g.check.expected,
      check: g.check.ok
        ? "ok"
        : `${g.check.missing} missing, ${g.check.extra} extra, count ${g.check.memberCount}, preview ${g.check.previewCount}, ${g.check.explained.disagreements.length} explained wrong, ${g.recalculation.handOver.taken} objects told`,
      explained: g.check.explained.checked,
    })),
  );
  const inc = r.incremental;
  console.log(
    `incremental Run after ${inc.changedRows} users changed country: ${inc.counters.rowsRead} rows read, ${inc.counters.recordsUpdated} Records updated, ` +
      `${inc.recordsRejudged} re-judged, ${inc.totalSeconds} s: ${inc.updatedPerSecond} updated Records/s end to end`,
  );
  console.table(
    r.groups.map((g) => ({
      group: g.name,
      "postgres joined": g.afterChange.expectedChange.joined,
      "postgres left": g.afterChange.expectedChange.left,
      joined: g.afterChange.actualChange.joined,
      left: g.afterChange.actualChange.left,
      members: g.afterChange.members,
      postgres: g.afterChange.expected,
      check: g.afterChange.ok ? "ok" : `${g.afterChange.missing} missing, ${g.afterChange.extra} extra, count ${g.afterChange.memberCount}`,
    })),
  );
  const w = r.worker;
  console.log(
    `Worker log: ${w.failedQueueMessages} queue messages failed` +
      (w.failedQueueMessageErrors.length ? ` (${w.failedQueueMessageErrors.join("; ")})` : "") +
      `, ${w.retriedReads.length} reads by this benchmark repeated after a server error`,
  );
  if (w.slowDatabaseCalls.length) {
    console.log("database calls over a second (waiting included; sql ms is the statement alone, where D1 gives it):");
    console.table(w.slowDatabaseCalls.map((c) => ({ sql: c.sql, calls: c.calls, "max ms": c.maxMs, "max sql ms": c.maxSqlMs })));
  }
  for (const [run, h] of Object.entries(w.hydration)) console.log(`hydration, ${run} import, ms per 100 Records by phase (${h.records} Records): ${JSON.stringify(h.msPer100Records)}`);
  console.log(`the rules' predicate in memory, over ${SYNTHETIC_RECORDS} synthetic Records:`);
  console.table(
    r.inMemory.map((m) => ({ tree: m.name, matches: m.matches, "compiled once, eval/s": m.compiledOncePerSecond, "compiled per Record, eval/s": m.compiledPerRecordPerSecond })),
  );
}

await benchEachSize(
  sizes,
  bench,
  (results) => results.forEach(printResult),
  (r) => r.groups.some((g) => !g.check.ok || !g.afterChange.ok),
);
