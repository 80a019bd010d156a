// Runs Groupflow locally: applies the database migrations, starts the API Worker and the UI,
// fills a demo workspace (and runs its webhook receiver), and says where everything is.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { DEMO_RECEIVER_SECRET, startReceiver } from "./demo/receiver.mjs";
import { DEMO, seedDemoWorkspace } from "./demo/workspace.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const apiPort = Number(process.env.GROUPFLOW_API_PORT ?? 8787);
const webPort = Number(process.env.GROUPFLOW_WEB_PORT ?? 5173);
const receiverPort = Number(process.env.GROUPFLOW_RECEIVER_PORT ?? 8788);
const demoCustomers = Number(process.env.GROUPFLOW_DEMO_CUSTOMERS ?? 200);
const stateDir = process.env.GROUPFLOW_STATE_DIR ? path.resolve(process.env.GROUPFLOW_STATE_DIR) : null;
const persist = stateDir ? ["--persist-to", stateDir] : [];
const apiUrl = `http://127.0.0.1:${apiPort}`;
const webUrl = `http://127.0.0.1:${webPort}`;
const receiverUrl = `http://127.0.0.1:${receiverPort}`;
const STARTUP_TIMEOUT_MS = 120_000;


const bin = (name) => path.join(root, "node_modules", ".bin", name);
const children = new Set();
let stopping = false;

function prefixLines(stream, prefix, out) {
  createInterface({ input: stream }).on("line", (line) => out.write(`${prefix} ${line}\n`));
}

/**
 * Children stay in this process group, so Ctrl+C in a terminal (or a signal to the group) reaches
 * the workerd processes they start as well. They inherit the environment, WRANGLER_REGISTRY_PATH
 * included: the UI finds the API through that local registry, and a registry of its own keeps
 * this copy from reaching, or being reached by, another copy running at the same time.
 */
function run(prefix, command, args, cwd) {
  const child = spawn(command, args, { cwd, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
  prefixLines(child.stdout, prefix, process.stdout);
  prefixLines(child.stderr, prefix, process.stderr);
  children.add(child);
  child.exited = new Promise((resolve) => {
    child.on("error", (error) => {
      console.error(`${prefix} could not start ${command}: ${error.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  child.exited.then(() => children.delete(child));
  return child;
}

async function stopAll() {
  const running = [...children];
  for (const child of running) child.kill("SIGTERM");
  const forced = setTimeout(() => running.forEach((child) => child.kill("SIGKILL")), 5_000);
  await Promise.all(running.map((child) => child.exited));
  clearTimeout(forced);
}

async function fail(reason) {
  if (stopping) return;
  stopping = true;
  console.error(`\nGroupflow could not keep running: ${reason}`);
  await stopAll();
  process.exit(1);
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await stopAll();
    process.exit(0);
  });
}

async function answers(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: "manual" });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function waitFor(what, url) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!(await answers(url))) {
    if (stopping) return;
    if (Date.now() > deadline) await fail(`${what} did not answer at ${url} within ${STARTUP_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

function portFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

// Checked first: otherwise another server on the port would answer the readiness checks below.
for (const [what, port, variable] of [
  ["the API", apiPort, "GROUPFLOW_API_PORT"],
  ["the UI", webPort, "GROUPFLOW_WEB_PORT"],
  ["the demo's webhook receiver", receiverPort, "GROUPFLOW_RECEIVER_PORT"],
]) {
  if (!(await portFree(port))) await fail(`port ${port} for ${what} is in use (is Groupflow already running?); choose another with ${variable}`);
}

const migrate = run("[db]", bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", ...persist], root);
const migrated = await migrate.exited;
if (migrated !== 0) await fail(`applying the database migrations failed (exit code ${migrated})`);

const api = run(
  "[api]",
  bin("wrangler"),
  ["dev", "--ip", "127.0.0.1", "--port", String(apiPort), "--show-interactive-dev-session=false", "--test-scheduled", ...persist],
  root,
);
const web = run("[web]", bin("remix"), ["vite:dev", "--host", "127.0.0.1", "--port", String(webPort), "--strictPort"], path.join(root, "web"));
for (const [name, child] of [["the API", api], ["the UI", web]]) {
  child.exited.then((code) => fail(`${name} stopped (exit code ${code})`));
}

await waitFor("The API", `${apiUrl}/health`);
await waitFor("The UI", `${webUrl}/login`);
await startReceiver({ port: receiverPort, secret: DEMO_RECEIVER_SECRET, log: (line) => console.log(`[receiver] ${line}`) });
try {
  const seeded = await seedDemoWorkspace({ apiUrl, demo: DEMO, receiverUrl, receiverSecret: DEMO_RECEIVER_SECRET, customers: demoCustomers });
  console.log(`[demo] ${seeded}`);
} catch (error) {
  await fail(`filling the demo workspace failed: ${error.message}`);
}

// Cron Triggers do not fire by themselves in local development; this stands in for the platform's
// every-minute trigger so due Schedules run and stalled work is swept, as they would when deployed.
const CRON_MS = 60_000;
const triggerCron = () =>
  fetch(`${apiUrl}/__scheduled?cron=${encodeURIComponent("* * * * *")}`).catch((err) => {
    if (!stopping) console.error(`[cron] could not trigger the scheduled work: ${err.message}`);
  });
await triggerCron();
setInterval(triggerCron, CRON_MS).unref();

if (!stopping) {
  console.log(`
  ─────────────────────────────────────────────────────────────
  Groupflow is running

  UI     ${webUrl}
  API    ${apiUrl}/api/v1   (also at ${webUrl}/api/v1)

  Demo log-in   ${DEMO.email} / ${DEMO.password}
  Receiver      ${receiverUrl}/deliveries   (what the demo's webhook Destination delivered)

  Create an API key on ${webUrl}/api-keys, then:
    curl -H "Authorization: Bearer gf_live_..." ${webUrl}/api/v1/workspace

  Press Ctrl+C to stop.
  ─────────────────────────────────────────────────────────────
Groupflow is ready`);
}
