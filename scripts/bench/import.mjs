// Import benchmark: loads the shared benchmark dataset into PostgreSQL, starts the API alone on a
// fresh local state, configures a workspace through the HTTP API, and times a full Run and an
// incremental Run of the users table. Usage: npm run bench:import [-- --users 10000,100000]
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { benchEachSize, configure, DATABASE, loadDataset, RESULTS, seconds, timeRun, usersOption, withApi } from "./support.mjs";

const sizes = usersOption("10000,100000");

/** Compares a few Records with PostgreSQL: first_name exactly, ltv to the cent. */
async function verifySample(call, sql, n) {
  const ids = [1, Math.ceil(n / 2), n];
  const expected = await sql`
    select u.id, u.email, u.first_name, coalesce(sum(p.amount), 0)::float8 as ltv
    from users u left join purchases p on p.user_id = u.id
    where u.id = any(${ids}) group by u.id order by u.id`;
  const mismatches = [];
  for (const want of expected) {
    const { records } = await call("GET", `/records?property=email&value=${encodeURIComponent(want.email)}`);
    const got = records[0]?.properties;
    if (records.length !== 1 || got.first_name !== want.first_name || Math.abs(Number(got.ltv) - want.ltv) > 0.005) {
      mismatches.push({ email: want.email, expected: { first_name: want.first_name, ltv: want.ltv }, got: got ?? null, records: records.length });
    }
  }
  return { checked: expected.length, mismatches };
}

/** Changes the first name of every hundredth user and moves their updated_at to now. */
async function changeOnePercent(sql) {
  const rows = await sql`
    update users set first_name = 'Bench-' || id || '-' || extract(epoch from clock_timestamp())::bigint, updated_at = now()
    where id % 100 = 0 returning id, email, first_name`;
  return rows;
}

async function bench(n) {
  console.log(`\n== ${n} users`);
  const dataset = await loadDataset(n);
  console.log(dataset.loaded ? `loaded ${DATABASE} in ${seconds(dataset.ms)} s` : `${DATABASE} already holds ${n} users`);
  return withApi({ logName: `wrangler-${n}.log` }, async ({ call, sql }) => {
    const schedule = await configure(call);
    const full = await timeRun(call, schedule.id);
    console.log(`full Run: read ${full.readSeconds} s, complete ${full.totalSeconds} s`);
    const sample = await verifySample(call, sql, n);
    const changed = await changeOnePercent(sql);
    const incremental = await timeRun(call, schedule.id);
    const changedSample = changed[Math.floor(changed.length / 2)];
    const { records } = await call("GET", `/records?property=email&value=${encodeURIComponent(changedSample.email)}`);
    const result = {
      users: n,
      full,
      sample,
      incremental: {
        ...incremental,
        changedRows: changed.length,
        sampleChangeApplied: records[0]?.properties.first_name === changedSample.first_name,
      },
      retriedReads: call.retriedReads,
    };
    await writeFile(path.join(RESULTS, `import-${n}.json`), JSON.stringify(result, null, 2) + "\n");
    return result;
  });
}

function printTable(results) {
  const rows = results.flatMap(({ users, full, sample, incremental }) => [
    {
      users,
      run: "full",
      rowsRead: full.counters.rowsRead,
      "read s": full.readSeconds,
      "total s": full.totalSeconds,
      "read rows/s": full.readRowsPerSecond,
      "hydrate rec/s": full.hydrationRecordsPerSecond,
      "e2e rows/s": full.endToEndRowsPerSecond,
      created: full.counters.recordsCreated,
      updated: full.counters.recordsUpdated,
      unchanged: full.counters.recordsUnchanged,
      errors: full.counters.errors,
      check: sample.mismatches.length === 0 ? `ok ${sample.checked}` : `${sample.mismatches.length} wrong`,
    },
    {
      users,
      run: "incremental",
      rowsRead: incremental.counters.rowsRead,
      "read s": incremental.readSeconds,
      "total s": incremental.totalSeconds,
      "read rows/s": incremental.readRowsPerSecond,
      "hydrate rec/s": incremental.hydrationRecordsPerSecond,
      "e2e rows/s": incremental.endToEndRowsPerSecond,
      created: incremental.counters.recordsCreated,
      updated: incremental.counters.recordsUpdated,
      unchanged: incremental.counters.recordsUnchanged,
      errors: incremental.counters.errors,
      check: `${incremental.changedRows} changed${incremental.sampleChangeApplied ? ", applied" : ", NOT applied"}`,
    },
  ]);
  console.table(rows);
}

await benchEachSize(
  sizes,
  bench,
  (results) => results.length && printTable(results),
  (r) => r.sample.mismatches.length > 0 || !r.incremental.sampleChangeApplied,
);
