import { inject } from "vitest";
import { uiUrl } from "./browser";

/** Fires the Worker's every-minute scheduled work now, as the platform's Cron Trigger does. */
export async function triggerCron() {
  const response = await fetch(`${inject("apiUrl")}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
  if (!response.ok) throw new Error(`the scheduled work failed: ${response.status} ${await response.text()}`);
}

export interface StackResponse<T = any> {
  status: number;
  body: T;
}

/**
 * A caller of the running stack's API (session or API key), for end-to-end tests of what happens
 * behind the API: real queues, Durable Objects and cron-free Runs in `wrangler dev`.
 */
export class StackCaller {
  constructor(private readonly headers: Record<string, string>) {}

  static async signUp(label: string): Promise<StackCaller> {
    const stamp = `${label}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const response = await fetch(`${uiUrl()}/api/v1/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: `${label} owner`, email: `${stamp}@example.com`, password: "correct horse battery", workspaceName: `${label} Inc`, workspaceSlug: stamp }),
    });
    if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${await response.text()}`);
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return new StackCaller({ cookie, "x-csrf-token": csrfToken });
  }

  withKey(secret: string) {
    return new StackCaller({ authorization: `Bearer ${secret}` });
  }

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<StackResponse<T>> {
    const response = await fetch(`${uiUrl()}/api/v1${path}`, {
      method,
      headers: { ...this.headers, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.call<T>(method, path, body);
    if (response.status >= 300) throw new Error(`${method} ${path} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** Starts a Run of a Schedule by hand and waits until it ends. */
  async run(scheduleId: string) {
    const { run } = await this.ok("POST", `/schedules/${scheduleId}/runs`);
    return this.waitForRun(run.id);
  }

  async waitForRun(runId: string, timeoutMs = 90_000) {
    return eventually(
      async () => (await this.ok("GET", `/runs/${runId}`)).run,
      (run) => !["draft", "running"].includes(run.state),
      timeoutMs,
    );
  }

  /** The Record holding a unique value, with its property values by key (null until it exists). */
  async recordBy(property: string, value: string) {
    const { records } = await this.ok("GET", `/records?property=${property}&value=${encodeURIComponent(value)}`);
    return (records[0] ?? null) as { id: string; properties: Record<string, unknown> } | null;
  }
}

/** Polls until a condition holds; fails with the last value seen. */
export async function eventually<T>(read: () => Promise<T>, holds: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!holds(value)) {
    if (Date.now() > deadline) throw new Error(`condition never held; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}
