// Import benchmark: loads the shared benchmark dataset into PostgreSQL, starts the API alone on a
// fresh local state, configures a workspace through the HTTP API, and times a full Run and an
// incremental Run of the users table. Usage: npm run bench:import [-- --users 10000,100000]
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import postgres from "postgres";

const root = fileURLToPath(new URL("../..", import.meta.url));
const DATASET = path.resolve(root, "../shared/bench/dataset.sql");
const RESULTS = path.join(root, "scripts/bench/results");
const DATABASE = "groupflow_bench";
const PG = { host: "127.0.0.1", port: 5432, username: "postgres" };
const POLL_MS = 500;
const STARTUP_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = 60 * 60_000;
// A Worker that stops answering must fail the benchmark, not hang it.
const REQUEST_TIMEOUT_MS = 120_000;
// Marks the rows the incremental step changed, so a later benchmark knows to reload pristine data.
const CHANGED_PREFIX = "Bench-";

const { values: args } = parseArgs({ options: { users: { type: "string", default: "10000,100000" } } });
const sizes = args.users.split(",").map((n) => Number(n.trim()));
if (sizes.some((n) => !Number.isInteger(n) || n < 100)) {
  console.error("--users takes a comma-separated list of whole numbers of at least 100");
  process.exit(2);
}

const bin = (name) => path.join(root, "node_modules", ".bin", name);
const seconds = (ms) => Math.round(ms) / 1000;
const perSecond = (rows, ms) => (ms > 0 ? Math.round((rows * 1000) / ms) : null);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function exec(command, argv, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"], ...options });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${argv.join(" ")} exited with ${code}:\n${output}`))));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Loads N users unless the database already holds exactly the dataset for N, untouched. */
async function loadDataset(n) {
  const admin = postgres({ ...PG, database: "postgres", onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${DATABASE}`;
  if (!exists) await admin.unsafe(`create database ${DATABASE}`);
  await admin.end();

  const sql = postgres({ ...PG, database: DATABASE, onnotice: () => {} });
  const [have] = await sql`
    select (select count(*) from users)::int as users, (select count(*) from purchases)::int as purchases,
      (select count(*) from users where first_name like ${CHANGED_PREFIX + "%"})::int as changed`.catch(() => [null]);
  await sql.end();
  if (have && have.users === n && have.purchases === 3 * n && have.changed === 0) return { loaded: false, ms: 0 };
  const started = performance.now();
  await exec("psql", ["-h", PG.host, "-p", String(PG.port), "-U", PG.username, "-d", DATABASE, "-q", "-v", `N=${n}`, "-f", DATASET]);
  return { loaded: true, ms: performance.now() - started };
}

/** The API Worker alone, on its own state, port and dev registry, so nothing else running is touched. */
async function startApi(log) {
  const stateDir = await mkdtemp(path.join(tmpdir(), "groupflow-bench-"));
  const port = await freePort();
  const inspectorPort = await freePort();
  const env = { ...process.env, WRANGLER_REGISTRY_PATH: path.join(stateDir, "registry"), WRANGLER_SEND_METRICS: "false" };
  await exec(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], { env });
  // Its own process group, so stopping it also stops the workerd processes it starts.
  const child = spawn(
    bin("wrangler"),
    ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort), "--show-interactive-dev-session=false", "--persist-to", stateDir, "--var", "LOG_LEVEL:debug"],
    { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)));
  const api = { url: `http://127.0.0.1:${port}`, stateDir, child, exited };
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    const exitedEarly = await Promise.race([exited, sleep(300).then(() => undefined)]);
    if (exitedEarly !== undefined) throw new Error(`wrangler dev stopped (${exitedEarly}) before answering; see ${log.path}`);
    const healthy = await fetch(`${api.url}/health`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false);
    if (healthy) return api;
    if (Date.now() > deadline) {
      await stopApi(api);
      throw new Error(`the API did not answer /health within ${STARTUP_TIMEOUT_MS / 1000} s; see ${log.path}`);
    }
  }
}

async function stopApi(api) {
  if (api.child.exitCode !== null || api.child.signalCode !== null) return;
  const signalGroup = (signal) => {
    try {
      process.kill(-api.child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup("SIGTERM");
  const forced = setTimeout(() => signalGroup("SIGKILL"), 5_000);
  await api.exited;
  clearTimeout(forced);
}

/** A signed-in owner: the session cookie and the CSRF token every write needs. */
async function signUp(apiUrl) {
  const response = await fetch(`${apiUrl}/api/v1/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Bench Owner", email: "bench@groupflow.local", password: "groupflow-bench", workspaceName: "Bench", workspaceSlug: "bench" }),
  });
  if (response.status !== 201) throw new Error(`signup answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = await response.json();
  return async (method, route, body) => {
    const reply = await fetch(`${apiUrl}/api/v1${route}`, {
      method,
      headers: { cookie, "x-csrf-token": csrfToken, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await reply.text();
    if (!reply.ok) throw new Error(`${method} ${route} answered ${reply.status}: ${text}`);
    return JSON.parse(text);
  };
}

async function configure(call) {
  const { app } = await call("POST", "/apps", {
    name: "Bench warehouse",
    plugin: "postgres",
    type: "postgres",
    options: { host: PG.host, port: PG.port, database: DATABASE, user: PG.username, ssl: "disable" },
  });
  const { source: users } = await call("POST", "/sources", {
    appId: app.id,
    name: "Users",
    type: "table",
    options: { table: "users" },
    identity: { column: "email", propertyKey: "email", propertyType: "email" },
  });
  const property = (sourceId, definition) => call("POST", "/properties", { sourceId, type: "string", ...definition });
  await property(users.id, { key: "user_id", type: "integer", unique: true, column: "id" });
  for (const column of ["first_name", "last_name", "country"]) await property(users.id, { key: column, column });
  const { source: purchases } = await call("POST", "/sources", {
    appId: app.id,
    name: "Purchases",
    type: "table",
    role: "enrich",
    options: { table: "purchases" },
    identity: { column: "user_id", propertyKey: "user_id" },
  });
  await property(purchases.id, { key: "ltv", type: "float", column: "amount", aggregation: "sum" });
  const { schedule } = await call("POST", "/schedules", { sourceId: users.id, name: "Users by hand", incrementalColumn: "updated_at" });
  return schedule;
}

const settled = (counters) => counters.recordsCreated + counters.recordsUpdated + counters.recordsUnchanged;

/** Starts a Run and follows it to its end, noting when reading finished and when Records began to settle. */
async function timeRun(call, scheduleId) {
  const started = performance.now();
  const { run: first } = await call("POST", `/schedules/${scheduleId}/runs`);
  let readAt = null;
  let settledAtRead = 0;
  // Hydration is timed from the last poll that saw no Record settled, so a Run that settles
  // everything between two polls still gets a rate (a lower bound).
  let nothingSettledAt = 0;
  for (;;) {
    await sleep(POLL_MS);
    const { run } = await call("GET", `/runs/${first.id}`);
    const now = performance.now() - started;
    if (settled(run.counters) === 0) nothingSettledAt = now;
    if (readAt === null && run.readComplete) {
      readAt = now;
      settledAtRead = settled(run.counters);
    }
    if (run.state === "complete") {
      const records = settled(run.counters);
      return {
        runId: run.id,
        rowsTotal: run.rowsTotal,
        counters: run.counters,
        readSeconds: seconds(readAt ?? now),
        totalSeconds: seconds(now),
        settledWhenReadComplete: settledAtRead,
        readRowsPerSecond: perSecond(run.counters.rowsRead, readAt ?? now),
        hydrationRecordsPerSecond: perSecond(records, now - nothingSettledAt),
        endToEndRowsPerSecond: perSecond(run.counters.rowsRead, now),
      };
    }
    if (run.state === "failed" || run.state === "stopped") throw new Error(`Run ${run.id} ended ${run.state}: ${run.reason}`);
    if (now > RUN_TIMEOUT_MS) throw new Error(`Run ${run.id} still ${run.state} after ${RUN_TIMEOUT_MS / 60_000} minutes`);
  }
}

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
    update users set first_name = ${CHANGED_PREFIX} || id || '-' || extract(epoch from clock_timestamp())::bigint, updated_at = now()
    where id % 100 = 0 returning id, email, first_name`;
  return rows;
}

async function bench(n) {
  await mkdir(RESULTS, { recursive: true });
  const logPath = path.join(RESULTS, `wrangler-${n}.log`);
  const log = createWriteStream(logPath);
  console.log(`\n== ${n} users`);
  const dataset = await loadDataset(n);
  console.log(dataset.loaded ? `loaded ${DATABASE} in ${seconds(dataset.ms)} s` : `${DATABASE} already holds ${n} users`);
  const api = await startApi(log);
  const stop = () => stopApi(api).then(() => process.exit(130));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const sql = postgres({ ...PG, database: DATABASE, onnotice: () => {} });
  try {
    console.log(`API on ${api.url}, state in ${api.stateDir}, log in ${logPath}`);
    const call = await signUp(api.url);
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
    };
    await writeFile(path.join(RESULTS, `import-${n}.json`), JSON.stringify(result, null, 2) + "\n");
    return result;
  } finally {
    await sql.end();
    await stopApi(api);
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    log.end();
  }
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

const results = [];
let failed = false;
for (const n of sizes) {
  try {
    results.push(await bench(n));
  } catch (error) {
    failed = true;
    console.error(`${n} users: ${error.stack ?? error}`);
  }
}
if (results.length) printTable(results);
const wrong = results.some((r) => r.sample.mismatches.length > 0 || !r.incremental.sampleChangeApplied);
process.exit(failed || wrong ? 1 : 0);
