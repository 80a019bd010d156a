// What the benchmarks share: the dataset in PostgreSQL, the API Worker alone on a fresh local
// state, a signed-in caller of /api/v1, the benchmark workspace, and following a Run to its end.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import postgres from "postgres";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const RESULTS = path.join(root, "scripts/bench/results");
const DATASET = path.resolve(root, "../shared/bench/dataset.sql");
export const DATABASE = "groupflow_bench";
const PG = { host: "127.0.0.1", port: 5432, username: "postgres" };
const POLL_MS = 500;
const STARTUP_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = 60 * 60_000;
// A Run whose message was lost waits for the every-minute sweep, which a local Worker never runs.
const STALL_TIMEOUT_MS = 10 * 60_000;
// A Worker that stops answering must fail the benchmark, not hang it.
const REQUEST_TIMEOUT_MS = 120_000;
const READ_ATTEMPTS = 4;

export const seconds = (ms) => Math.round(ms) / 1000;
export const perSecond = (count, ms) => (ms > 0 ? Math.round((count * 1000) / ms) : null);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The sizes named by --users, a comma-separated list of whole numbers of at least 100. */
export function usersOption(defaultSizes) {
  const { values } = parseArgs({ options: { users: { type: "string", default: defaultSizes } } });
  const sizes = values.users.split(",").map((n) => Number(n.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 100)) {
    console.error("--users takes a comma-separated list of whole numbers of at least 100");
    process.exit(2);
  }
  return sizes;
}

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

export const connect = () => postgres({ ...PG, database: DATABASE, onnotice: () => {} });

/**
 * Rows that differ from what dataset.sql generates for their id. Every change a benchmark makes
 * either moves updated_at to now, rewrites an address away from example.com, or moves a purchase
 * years past the dataset's last one, so these three comparisons catch them all.
 */
const changedRows = (sql) => sql`
  select
    (select count(*) from users where email <> 'user' || id || '@example.com'
       or updated_at <> timestamptz '2020-01-01 00:00:00+00' + id * interval '37 seconds'
          + (((id * 668265263) % 4294967296) % 100000) * interval '1 minute')::int as users,
    (select count(*) from purchases
       where created_at > timestamptz '2020-01-01 00:00:00+00' + user_id * interval '37 seconds' + interval '5 days')::int as purchases`;

/** Loads N users unless the database already holds exactly the dataset for N, untouched. */
export async function loadDataset(n) {
  const admin = postgres({ ...PG, database: "postgres", onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${DATABASE}`;
  if (!exists) await admin.unsafe(`create database ${DATABASE}`);
  await admin.end();

  const sql = connect();
  const [have] = await sql`select (select count(*) from users)::int as users, (select count(*) from purchases)::int as purchases`.catch(() => [null]);
  const [changed] = have ? await changedRows(sql) : [null];
  await sql.end();
  if (have && have.users === n && have.purchases === 3 * n && changed.users === 0 && changed.purchases === 0) return { loaded: false, ms: 0 };
  const started = performance.now();
  await exec("psql", ["-h", PG.host, "-p", String(PG.port), "-U", PG.username, "-d", DATABASE, "-q", "-v", `N=${n}`, "-f", DATASET]);
  return { loaded: true, ms: performance.now() - started };
}

/**
 * Where the throwaway state goes: memory when the machine has /dev/shm, so the figures measure the
 * pipeline rather than the disk's fsyncs; TMPDIR, when set, still decides.
 */
export const memoryTmpdir = () => (!process.env.TMPDIR && existsSync("/dev/shm") ? "/dev/shm" : tmpdir());

/** The API Worker alone, on its own state, port and dev registry, so nothing else running is touched. */
async function startApi(log, stateParent, vars) {
  const stateDir = await mkdtemp(path.join(stateParent, "groupflow-bench-"));
  const port = await freePort();
  const inspectorPort = await freePort();
  const env = { ...process.env, WRANGLER_REGISTRY_PATH: path.join(stateDir, "registry"), WRANGLER_SEND_METRICS: "false" };
  const wrangler = path.join(root, "node_modules", ".bin", "wrangler");
  await exec(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], { env });
  // Its own process group, so stopping it also stops the workerd processes it starts.
  const child = spawn(
    wrangler,
    ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort), "--show-interactive-dev-session=false", "--persist-to", stateDir, "--test-scheduled", "--var", "LOG_LEVEL:debug", ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])],
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

/**
 * Runs `body` with the API started on a fresh state (and Worker variables `vars`) and a PostgreSQL connection, writing the
 * Worker's output to results/<logName>, and stops the Worker however `body` ends. The state is
 * deleted after a success (in memory it takes RAM) and kept after a failure, to look into.
 */
export async function withApi({ logName, stateParent = tmpdir(), vars = {} }, body) {
  await mkdir(RESULTS, { recursive: true });
  const logPath = path.join(RESULTS, logName);
  const log = createWriteStream(logPath);
  const api = await startApi(log, stateParent, vars);
  const stop = () => stopApi(api).then(() => process.exit(130));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const sql = connect();
  let succeeded = false;
  try {
    console.log(`API on ${api.url}, state in ${api.stateDir}, log in ${logPath}`);
    const result = await body({ api, sql, logPath, call: await signUp(api.url) });
    succeeded = true;
    return result;
  } finally {
    await sql.end();
    await stopApi(api);
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    log.end();
    if (succeeded) await rm(api.stateDir, { recursive: true, force: true });
  }
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
  const call = async (method, route, body) => {
    const repeatable = method === "GET" || route === "/groups/preview";
    for (let attempt = 1; ; attempt++) {
      let reply;
      try {
        reply = await fetch(`${apiUrl}/api/v1${route}`, {
          method,
          headers: { cookie, "x-csrf-token": csrfToken, ...(body ? { "content-type": "application/json" } : {}) },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        // The local runtime has left a request unanswered while it went on working (seen at 100,000
        // users); a read is asked again, and the benchmark reports that it had to.
        if (!repeatable || error.name !== "TimeoutError" || attempt >= READ_ATTEMPTS) throw error;
        call.retriedReads.push(`${method} ${route} got no answer in ${REQUEST_TIMEOUT_MS / 1000} s`);
        continue;
      }
      const text = await reply.text();
      if (reply.ok) return JSON.parse(text);
      // A local Worker under load can fail a read now and then (its SQLite runs out of memory); a
      // read, or a preview, which saves nothing, is safe to repeat, and the benchmark reports how often it had to.
      if (repeatable && reply.status >= 500 && attempt < READ_ATTEMPTS) {
        call.retriedReads.push(`${method} ${route} answered ${reply.status}`);
        await sleep(1_000);
        continue;
      }
      throw new Error(`${method} ${route} answered ${reply.status}: ${text}`);
    }
  };
  call.retriedReads = [];
  return call;
}

/**
 * The benchmark workspace: a PostgreSQL App, a `users` Source identified by email with user_id,
 * first_name, last_name and country, an enrich Source of `purchases` keyed by user_id giving ltv
 * and any `purchaseProperties` besides, and a Schedule by hand, incremental by updated_at.
 */
export async function configure(call, purchaseProperties = []) {
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
  for (const definition of [{ key: "ltv", type: "float", column: "amount", aggregation: "sum" }, ...purchaseProperties]) await property(purchases.id, definition);
  const { schedule } = await call("POST", "/schedules", { sourceId: users.id, name: "Users by hand", incrementalColumn: "updated_at" });
  return schedule;
}

/**
 * Follows a Run until it completes, calling `onPoll(run, msSinceStarted)` after every poll.
 * `started` is when the caller asked for the Run, so the time includes everything up to it.
 */
export async function followRun(call, runId, { started, pollMs = POLL_MS, onPoll = () => {} }) {
  let progress = "";
  let progressAt = 0;
  for (;;) {
    await sleep(pollMs);
    const { run } = await call("GET", `/runs/${runId}`);
    const now = performance.now() - started;
    onPoll(run, now);
    if (run.state === "complete") return { run, ms: now };
    if (run.state === "failed" || run.state === "stopped") throw new Error(`Run ${run.id} ended ${run.state}: ${run.reason}`);
    if (now > RUN_TIMEOUT_MS) throw new Error(`Run ${run.id} still ${run.state} after ${RUN_TIMEOUT_MS / 60_000} minutes`);
    const seen = JSON.stringify([run.state, run.counters, run.percentComplete, run.readComplete, run.updatedAt]);
    if (seen !== progress) [progress, progressAt] = [seen, now];
    if (now - progressAt > STALL_TIMEOUT_MS) throw new Error(`Run ${run.id} made no progress for ${STALL_TIMEOUT_MS / 60_000} minutes: ${seen}`);
  }
}

const settled = (counters) => counters.recordsCreated + counters.recordsUpdated + counters.recordsUnchanged;

/** Starts a Run of a Schedule and follows it to its end, noting when reading finished and when Records began to settle. */
export async function timeRun(call, scheduleId, { pollMs } = {}) {
  const started = performance.now();
  const { run: first } = await call("POST", `/schedules/${scheduleId}/runs`);
  let readAt = null;
  let settledAtRead = 0;
  // Hydration is timed from the last poll that saw no Record settled, so a Run that settles
  // everything between two polls still gets a rate (a lower bound).
  let nothingSettledAt = 0;
  const { run, ms } = await followRun(call, first.id, {
    started,
    pollMs,
    onPoll: (polled, now) => {
      if (settled(polled.counters) === 0) nothingSettledAt = now;
      if (readAt === null && polled.readComplete) {
        readAt = now;
        settledAtRead = settled(polled.counters);
      }
    },
  });
  return {
    runId: run.id,
    rowsTotal: run.rowsTotal,
    counters: run.counters,
    readSeconds: seconds(readAt ?? ms),
    totalSeconds: seconds(ms),
    settledWhenReadComplete: settledAtRead,
    readRowsPerSecond: perSecond(run.counters.rowsRead, readAt ?? ms),
    hydrationRecordsPerSecond: perSecond(settled(run.counters), ms - nothingSettledAt),
    endToEndRowsPerSecond: perSecond(run.counters.rowsRead, ms),
  };
}

/**
 * Benchmarks each size in turn, a failure at one size not stopping the next; prints what finished
 * and exits non-zero if any size failed or `wrong` finds a result that disagrees with the source.
 */
export async function benchEachSize(sizes, bench, print, wrong) {
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
  print(results);
  process.exit(failed || results.some(wrong) ? 1 : 0);
}
