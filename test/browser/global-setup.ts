import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import loadCustomerDatabases from "../support/load-customer-databases";

declare module "vitest" {
  export interface ProvidedContext {
    uiUrl: string;
    apiUrl: string;
    /** The demo's webhook receiver, which `scripts/start.mjs` runs beside the stack. */
    receiverUrl: string;
  }
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const READY_LINE = "Groupflow is ready";
const READY_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 15_000;
/** Lines of the stack's log worth reading after the tests: its warnings, errors and crashes. */
const TROUBLE = /"level":"(warn|error)"|✘|Uncaught|\berror\b/i;
const TROUBLE_LINES = 150;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The whole group is gone already.
  }
}

/**
 * Starts Groupflow the way a developer does (`scripts/start.mjs`), on free ports, with its own
 * database state and its own dev registry, so an instance the developer is running is untouched.
 */
export default async function setup(project: TestProject) {
  const stateDir = await mkdtemp(path.join(tmpdir(), "groupflow-state-"));
  const registryDir = await mkdtemp(path.join(tmpdir(), "groupflow-registry-"));
  const [apiPort, webPort, receiverPort] = [await freePort(), await freePort(), await freePort()];
  // Everything the stack prints is kept, and its trouble is shown after the tests: a test that timed
  // out waiting on the pipeline is explained by what the Worker said meanwhile.
  const logPath = path.join(tmpdir(), `groupflow-stack-${apiPort}.log`);
  const logFile = createWriteStream(logPath);

  // Its own process group, so teardown reaches wrangler, the dev server and every workerd they start.
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      GROUPFLOW_API_PORT: String(apiPort),
      GROUPFLOW_WEB_PORT: String(webPort),
      GROUPFLOW_RECEIVER_PORT: String(receiverPort),
      GROUPFLOW_STATE_DIR: stateDir,
      WRANGLER_REGISTRY_PATH: registryDir,
      WRANGLER_SEND_METRICS: "false",
    },
  });

  const teardown = async () => {
    signalGroup(child, "SIGTERM");
    const forced = setTimeout(() => signalGroup(child, "SIGKILL"), STOP_TIMEOUT_MS);
    await exited(child);
    clearTimeout(forced);
    // start.mjs may exit before the last workerd does; nothing of the group may outlive the tests.
    signalGroup(child, "SIGKILL");
    await new Promise((resolve) => logFile.end(resolve));
    const trouble = (await readFile(logPath, "utf8")).split("\n").filter((line) => TROUBLE.test(line));
    if (trouble.length) {
      process.stderr.write(
        `--- the stack's warnings and errors during the tests (last ${Math.min(trouble.length, TROUBLE_LINES)} of ${trouble.length}; all it printed is in ${logPath}) ---\n${trouble.slice(-TROUBLE_LINES).join("\n")}\n`,
      );
    }
    await Promise.all([rm(stateDir, { recursive: true, force: true }), rm(registryDir, { recursive: true, force: true })]);
  };

  let output = "";
  try {
    const started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Groupflow was not ready within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
      // Read for as long as it runs so a full pipe never blocks it; keep only what explains a failed start.
      let ready = false;
      const collect = (chunk: Buffer) => {
        logFile.write(chunk);
        if (ready) return;
        output += chunk.toString();
        if (output.includes(READY_LINE)) {
          ready = true;
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", collect);
      child.stderr!.on("data", collect);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`scripts/start.mjs exited with code ${code} before it was ready`));
      });
    });
    // The PostgreSQL Apps in the tests read the customer fixture the API tests use, loaded while Groupflow starts.
    await Promise.all([started, loadCustomerDatabases()]);
  } catch (error) {
    await teardown();
    throw new Error(`${(error as Error).message}\n--- output of scripts/start.mjs ---\n${output}`);
  }

  project.provide("uiUrl", `http://127.0.0.1:${webPort}`);
  project.provide("apiUrl", `http://127.0.0.1:${apiPort}`);
  project.provide("receiverUrl", `http://127.0.0.1:${receiverPort}`);
  return teardown;
}
