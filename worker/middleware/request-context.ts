import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { createDb } from "../db/client";
import { configureLogging, log } from "../log";

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Gives every request an id (kept from the caller when it is sane), a database handle and one log line. */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  configureLogging(c.env.LOG_LEVEL);
  const incoming = c.req.header("x-request-id");
  const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", requestId);
  c.set("db", createDb(c.env.DB));
  c.set("principal", null);
  const started = Date.now();
  await next();
  c.header("X-Request-Id", requestId);
  const principal = c.get("principal");
  log(c.res.status >= 500 ? "error" : "info", "request", {
    requestId,
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    durationMs: Date.now() - started,
    tenantId: principal?.tenantId ?? null,
    actor: principal ? (principal.kind === "user" ? principal.user.id : principal.apiKey.id) : null,
  });
});
