// Export benchmark: imports the shared benchmark dataset through the API, then
//  1. times a webhook Destination over every Record against a local receiver (Exports per second),
//     checking every Record arrived exactly once;
//  2. tries the Mailchimp Destination as a new user would, against the local Mailchimp fake failing
//     30% of its requests with 429 or 500: the audience must hold exactly "US customers with
//     ltv > 100" (as PostgreSQL says) with the mapped merge fields and tags, no member written
//     twice; a changed row updates just that member, a Record leaving the Group is archived (sync)
//     or kept (additive), and a Run over unchanged rows makes no Exports.
// Usage: npm run bench:export [-- --users 10000]
import { createServer } from "node:http";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { answer, readBody } from "../../test/fakes/http.mjs";
import { createMailchimpFake, MAILCHIMP_FAKE_AUDIENCE, MAILCHIMP_FAKE_KEY } from "../../test/fakes/mailchimp.mjs";
import { benchEachSize, configure, DATABASE, loadDataset, memoryTmpdir, perSecond, RESULTS, seconds, sleep, timeRun, usersOption, withApi } from "./support.mjs";

const sizes = usersOption("10000");
const SECRET = "bench-receiver-signing-secret";
const EXPORTS_TIMEOUT_MS = 30 * 60_000;
const POLL_MS = 500;

/** The receiver and the Mailchimp fake on one local port. */
async function startFakes() {
  const mailchimp = createMailchimpFake();
  const received = new Map();
  let deliveries = 0;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const body = await readBody(req);
    if (url.pathname.startsWith("/mailchimp/")) return mailchimp.handle(req, res, url.pathname.slice("/mailchimp".length), url.searchParams, body);
    for (const d of JSON.parse(body).deliveries ?? []) {
      deliveries += 1;
      received.set(d.record_id, (received.get(d.record_id) ?? 0) + 1);
    }
    answer(res, 200, { received: true });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const control = (plan) => fetch(`${url}/mailchimp/_fake/control`, { method: "POST", body: JSON.stringify(plan) });
  const state = async () => (await fetch(`${url}/mailchimp/_fake/state`)).json();
  return { url, received, deliveries: () => deliveries, control, state, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Waits until a Destination has nothing waiting or being sent, firing the every-minute work often so retries come round. */
async function exportsSettle(call, api, destinationId) {
  const started = performance.now();
  for (;;) {
    await fetch(`${api.url}/__scheduled?cron=${encodeURIComponent("* * * * *")}`).catch(() => {});
    const { destination } = await call("GET", `/destinations/${destinationId}`);
    const counts = destination.exports;
    if (counts.pending + counts.sending === 0) return { counts, ms: performance.now() - started };
    if (performance.now() - started > EXPORTS_TIMEOUT_MS) throw new Error(`Exports of ${destinationId} still waiting: ${JSON.stringify(counts)}`);
    await sleep(POLL_MS);
  }
}

async function waitRun(call, runId) {
  for (;;) {
    const { run } = await call("GET", `/runs/${runId}`);
    if (run.state === "complete") return run;
    if (run.state === "failed" || run.state === "stopped") throw new Error(`Run ${runId} ended ${run.state}: ${run.reason}`);
    await sleep(POLL_MS);
  }
}

/** The webhook Destination over every Record: how fast Exports leave, and whether each arrived once. */
async function webhookThroughput(call, api, fakes, n) {
  const { app } = await call("POST", "/apps", { name: "Bench receiver", plugin: "webhook", type: "webhook", options: { url: `${fakes.url}/hooks`, secret: SECRET } });
  const started = performance.now();
  const { destination, run } = await call("POST", "/destinations", {
    appId: app.id,
    type: "webhook",
    name: "Everyone to the receiver",
    options: { batch: true, requestsPerSecond: 100 },
    mapping: ["email", "first_name", "last_name", "country", "ltv"].map((key) => ({ remote: key, property: key })),
  });
  const synced = await waitRun(call, run.id);
  const runMs = performance.now() - started;
  const { counts } = await exportsSettle(call, api, destination.id);
  const ms = performance.now() - started;
  const twice = [...fakes.received.values()].filter((times) => times > 1).length;
  const result = { exports: counts.complete, failed: counts.failed, syncRunSeconds: seconds(runMs), seconds: seconds(ms), exportsPerSecond: perSecond(counts.complete, ms), recordsReceived: fakes.received.size, receivedTwice: twice, exportsCreated: synced.counters.exportsCreated };
  result.ok = counts.complete === n && counts.failed === 0 && fakes.received.size === n && twice === 0;
  console.log(`webhook: ${counts.complete} Exports in ${result.seconds} s (${result.exportsPerSecond}/s; the sync Run took ${result.syncRunSeconds} s); ${fakes.received.size} Records received, ${twice} twice`);
  return result;
}

const facts = (sql, where) => sql.unsafe(`
  select u.email, u.first_name, u.country, coalesce(sum(p.amount), 0)::float as ltv
  from users u left join purchases p on p.user_id = u.id
  group by u.id having ${where}`);

/** Compares the audience's members with the rows PostgreSQL says belong, field by field. */
function compareAudience(members, expected, bigSpenders) {
  const byEmail = new Map(members.filter((m) => m.status === "subscribed").map((m) => [m.email_address, m]));
  const wrong = [];
  for (const row of expected) {
    const m = byEmail.get(row.email);
    const tagged = m?.tags.some((t) => t.name === "big-spender");
    if (!m) wrong.push(`${row.email} missing`);
    else if (m.merge_fields.FNAME !== row.first_name || m.merge_fields.COUNTRY !== row.country || Math.abs(m.merge_fields.LTV - row.ltv) > 0.005) wrong.push(`${row.email} has ${JSON.stringify(m.merge_fields)}`);
    else if (tagged !== bigSpenders.has(row.email)) wrong.push(`${row.email} ${tagged ? "tagged" : "not tagged"} big-spender`);
  }
  const extra = byEmail.size - expected.filter((r) => byEmail.has(r.email)).length;
  if (extra) wrong.push(`${extra} members that should not be there`);
  return wrong;
}

/** Every Export the Destinations have, in any state. */
async function exportTotal(call, destinationIds) {
  let total = 0;
  for (const id of destinationIds) total += Object.values((await call("GET", `/destinations/${id}`)).destination.exports).reduce((a, b) => a + b, 0);
  return total;
}

/**
 * Creates a Destination as a person would while Mailchimp is failing: reading the audience's merge
 * fields may be throttled or fail, and saving is simply tried again.
 */
async function createWhileFailing(call, body) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call("POST", "/destinations", body);
    } catch (error) {
      if (attempt >= 10 || !/Mailchimp answered (429|5\d\d)/.test(error.message)) throw error;
      await sleep(1_000);
    }
  }
}

/** Operations applied to each address, in order. */
const opsByEmail = (applied) => applied.reduce((m, a) => m.set(a.email, [...(m.get(a.email) ?? []), a.op]), new Map());

/** The "done when", tried as a new user would with the benchmark dataset. */
async function mailchimpDoneWhen(call, api, fakes, sql, schedule) {
  await fakes.control({ reset: true, failureRate: 0.3, failStatuses: [429, 500], retryAfter: "1" });
  const { group: usBig, run: recalculated } = await call("POST", "/groups", {
    name: "US customers with ltv > 100",
    type: "calculated",
    rules: { match: "all", rules: [{ property: "country", operator: "equals", value: "US" }, { property: "ltv", operator: "gt", value: 100 }] },
  });
  const { group: big, run: bigRun } = await call("POST", "/groups", { name: "Big spenders", type: "calculated", rules: { match: "all", rules: [{ property: "ltv", operator: "gt", value: 1000 }] } });
  await waitRun(call, recalculated.id);
  await waitRun(call, bigRun.id);
  const { app } = await call("POST", "/apps", { name: "Mailchimp (local fake)", plugin: "mailchimp", type: "mailchimp", options: { apiKey: MAILCHIMP_FAKE_KEY, serverUrl: `${fakes.url}/mailchimp` } });
  const mapping = [
    { remote: "email_address", property: "email" },
    { remote: "FNAME", property: "first_name" },
    { remote: "COUNTRY", property: "country" },
    { remote: "LTV", property: "ltv" },
  ];
  const started = performance.now();
  const { destination, run } = await createWhileFailing(call, {
    appId: app.id,
    type: "audience",
    name: "US big spenders in Mailchimp",
    options: { audienceId: MAILCHIMP_FAKE_AUDIENCE },
    groupId: usBig.id,
    syncMode: "sync",
    mapping,
    groupLists: [{ groupId: big.id, remote: "big-spender" }],
  });
  await waitRun(call, run.id);
  const first = await exportsSettle(call, api, destination.id);
  const expected = await facts(sql, "u.country = 'US' and coalesce(sum(p.amount), 0) > 100");
  const bigSpenders = new Set((await facts(sql, "u.country = 'US' and coalesce(sum(p.amount), 0) > 1000")).map((r) => r.email));
  let state = await fakes.state();
  const members = state.audiences[MAILCHIMP_FAKE_AUDIENCE].members;
  const wrong = compareAudience(members, expected, bigSpenders);
  const writtenTwice = [...opsByEmail(state.applied.filter((a) => a.audience === MAILCHIMP_FAKE_AUDIENCE))].filter(([, ops]) => ops.filter((op) => op === "create" || op === "update").length > 1).map(([email]) => email);
  const sync = {
    members: members.length,
    expected: expected.length,
    wrong: wrong.slice(0, 10),
    exports: first.counts,
    seconds: seconds(performance.now() - started),
    requests: state.requests,
    failuresGiven: state.failures,
    writtenTwice: writtenTwice.slice(0, 10),
  };
  console.log(`mailchimp: ${members.length} members (${expected.length} expected, ${wrong.length} wrong) in ${sync.seconds} s; ${state.requests} requests, failures given ${JSON.stringify(state.failures)}; ${writtenTwice.length} written twice`);

  // One source row changes, and one Record leaves the Group; the next Run carries both.
  const [changed, leaving] = expected.slice(0, 2);
  await fakes.control({ failureRate: 0.3, failStatuses: [429, 500], retryAfter: "1", audiences: ["aud0002"] });
  const { destination: additive, run: additiveRun } = await createWhileFailing(call, {
    appId: app.id,
    type: "audience",
    name: "US big spenders, additive",
    options: { audienceId: "aud0002" },
    groupId: usBig.id,
    syncMode: "additive",
    mapping,
  });
  await waitRun(call, additiveRun.id);
  await exportsSettle(call, api, additive.id);
  const appliedBefore = (await fakes.state()).applied.length;
  await sql`update users set first_name = 'Renamed', updated_at = now() where email = ${changed.email}`;
  await sql`update users set country = 'DE', updated_at = now() where email = ${leaving.email}`;
  const incremental = await timeRun(call, schedule.id);
  await exportsSettle(call, api, destination.id);
  await exportsSettle(call, api, additive.id);
  state = await fakes.state();
  const after = state.applied.slice(appliedBefore).filter((a) => a.audience === MAILCHIMP_FAKE_AUDIENCE);
  const statusIn = (audience, email) => state.audiences[audience].members.find((m) => m.email_address === email)?.status;
  const change = {
    incrementalRun: incremental.counters,
    appliedAfter: after.map((a) => `${a.op} ${a.email}`),
    renamed: state.audiences[MAILCHIMP_FAKE_AUDIENCE].members.find((m) => m.email_address === changed.email)?.merge_fields.FNAME,
    leftSync: statusIn(MAILCHIMP_FAKE_AUDIENCE, leaving.email),
    leftAdditive: statusIn("aud0002", leaving.email),
  };
  change.ok =
    change.renamed === "Renamed" &&
    change.leftSync === "archived" &&
    change.leftAdditive === "subscribed" &&
    after.length === 2 &&
    after.some((a) => a.op === "update" && a.email === changed.email) &&
    after.some((a) => a.op === "archive" && a.email === leaving.email);
  console.log(`after one row changed and one Record left: ${change.appliedAfter.join("; ")}; additive keeps it ${change.leftAdditive}`);

  // A full Run over rows that did not change: no Exports at all.
  const exportsBefore = await exportTotal(call, [destination.id, additive.id]);
  const { schedule: everyone } = await call("POST", "/schedules", { sourceId: schedule.sourceId, name: "All users, not incremental" });
  const full = await timeRun(call, everyone.id);
  const made = (await exportTotal(call, [destination.id, additive.id])) - exportsBefore;
  const unchanged = { run: full.counters, exportsMade: made };
  unchanged.ok = made === 0 && full.counters.recordsUnchanged > 0;
  console.log(`a full Run over unchanged rows: ${full.counters.recordsUnchanged} Records unchanged, ${made} Exports made`);

  const ok = wrong.length === 0 && writtenTwice.length === 0 && first.counts.failed === 0 && change.ok && unchanged.ok;
  return { ok, sync, change, unchanged };
}

async function bench(n) {
  console.log(`\n== ${n} users`);
  const dataset = await loadDataset(n);
  console.log(dataset.loaded ? `loaded ${DATABASE} in ${seconds(dataset.ms)} s` : `${DATABASE} already holds ${n} users`);
  const fakes = await startFakes();
  try {
    return await withApi({ logName: `wrangler-export-${n}.log`, stateParent: memoryTmpdir(), vars: { EXPORT_FIRST_RETRY_MS: "2000" } }, async ({ api, call, sql }) => {
      await call("PATCH", "/workspace", { allowPrivateDestinations: true });
      const schedule = await configure(call);
      const full = await timeRun(call, schedule.id);
      console.log(`full import: ${full.counters.recordsCreated} Records in ${full.totalSeconds} s`);
      const webhook = await webhookThroughput(call, api, fakes, n);
      const mailchimp = await mailchimpDoneWhen(call, api, fakes, sql, schedule);
      const result = { users: n, importSeconds: full.totalSeconds, webhook, mailchimp };
      await writeFile(path.join(RESULTS, `export-${n}.json`), JSON.stringify(result, null, 2) + "\n");
      return result;
    });
  } finally {
    await fakes.close();
  }
}

function print(results) {
  console.log("\n| Users | Webhook Exports | Exports/s | Mailchimp members (expected) | Written twice | Change, leave, unchanged |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const r of results) {
    const m = r.mailchimp;
    console.log(`| ${r.users} | ${r.webhook.exports} in ${r.webhook.seconds} s | ${r.webhook.exportsPerSecond} | ${m.sync.members} (${m.sync.expected}) | ${m.sync.writtenTwice.length} | ${m.change.ok && m.unchanged.ok ? "as expected" : "WRONG"} |`);
  }
}

await benchEachSize(sizes, bench, print, (r) => !r.webhook.ok || !r.mailchimp.ok);
