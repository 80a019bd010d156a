// Shared by the local fakes of outside APIs: reading a request, answering JSON, and the failures a
// test or benchmark asks for. Plain JavaScript so Node scripts (the demo, benchmarks) can run the
// same fakes the tests do.

/** @param {import("node:http").IncomingMessage} req */
export async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * @param {import("node:http").ServerResponse} res
 * @param {number} status
 * @param {unknown} [body]
 * @param {Record<string, string>} [headers]
 */
export function answer(res, status, body, headers = {}) {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Failures a fake gives before doing anything, so a refused request has changed nothing: scripted
 * answers for the next requests, then a share of all requests failing at random.
 * @typedef {{ status: number; retryAfter?: string; body?: unknown }} Scripted
 * @typedef {{ answers?: Scripted[]; failureRate?: number; failStatuses?: number[]; retryAfter?: string }} Failures
 */
export class FailurePlan {
  /** @type {Scripted[]} */
  answers = [];
  failureRate = 0;
  /** @type {number[]} */
  failStatuses = [429, 500];
  /** @type {string | undefined} */
  retryAfter = undefined;
  /** @type {Record<number, number>} Failures given so far, by status. */
  given = {};

  /** @param {Failures} plan */
  set(plan) {
    this.answers = [...(plan.answers ?? [])];
    this.failureRate = plan.failureRate ?? 0;
    this.failStatuses = plan.failStatuses ?? [429, 500];
    this.retryAfter = plan.retryAfter;
    this.given = {};
  }

  /** The failure to give this request, if any. @returns {Scripted | undefined} */
  next() {
    const scripted = this.answers.shift();
    const failure =
      scripted ?? (this.failureRate > 0 && Math.random() < this.failureRate ? { status: this.failStatuses[Math.floor(Math.random() * this.failStatuses.length)], retryAfter: this.retryAfter } : undefined);
    if (failure) this.given[failure.status] = (this.given[failure.status] ?? 0) + 1;
    return failure;
  }
}

/**
 * A fake's request handler. `/_fake/control` (POST, a JSON plan: failures, reset, seed data) and
 * `/_fake/state` (GET) serve tests and benchmarks; every other path goes to the API the fake stands
 * in for. Paths start after the fake's mount point, e.g. `/3.0/lists`.
 * @param {{
 *   control: (plan: any) => void;
 *   state: () => unknown;
 *   api: (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, path: string, query: URLSearchParams, text: string) => void;
 * }} parts
 */
export function fakeHandler(parts) {
  return (
    /** @type {import("node:http").IncomingMessage} */ req,
    /** @type {import("node:http").ServerResponse} */ res,
    /** @type {string} */ path,
    /** @type {URLSearchParams} */ query,
    /** @type {string} */ text,
  ) => {
    const method = req.method ?? "GET";
    if (path === "/_fake/control" && method === "POST") {
      parts.control(JSON.parse(text || "{}"));
      return answer(res, 200, { ok: true });
    }
    if (path === "/_fake/state" && method === "GET") return answer(res, 200, parts.state());
    return parts.api(req, res, path, query, text);
  };
}
