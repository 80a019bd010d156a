import { Hono } from "hono";
import { z } from "zod";
import { actorOf, type AppEnv } from "../context";
import { TenantScope } from "../db/tenant-scope";
import { findEvent, listEvents, publicEvent } from "../events/list";
import { receiveEvents } from "../events/receive";
import { rotateEventsWebhookSecret, verifiedEventsWorkspace } from "../events/webhook";
import { principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import { SIGNATURE_HEADER } from "../services/webhook-secrets";
import { queryParams } from "../validation";
import { eventsBody } from "./event-body";
import { idempotencyKeyOf } from "./import-body";
import { pathId } from "./params";
import { limitSchema } from "./schemas";

const instant = z
  .string()
  .datetime({ offset: true, message: "must be an ISO-8601 date-time" })
  .transform((v) => new Date(v))
  .optional();
const listQuery = z
  .object({ name: z.string().max(200).optional(), recordId: z.string().max(40).optional(), since: instant, until: instant, limit: limitSchema, cursor: z.string().max(200).optional() })
  .strict();

export const eventRoutes = new Hono<AppEnv>()
  .post("/", requireScope("write:events"), async (c) => {
    const idempotencyKey = idempotencyKeyOf(c);
    const inputs = await eventsBody(c);
    return c.json(await receiveEvents(tenantScopeOf(c), c.env, inputs, { via: "api", idempotencyKey }), 202);
  })
  .post("/webhook-secret", requireScope("write:events"), async (c) => {
    const { secret, url } = await rotateEventsWebhookSecret(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"));
    return c.json({ secret, webhook: { url, hasSecret: true } });
  })
  .get("/", requireScope("read:events"), async (c) => c.json(await listEvents(tenantScopeOf(c), queryParams(c, listQuery))))
  .get("/:id", requireScope("read:events"), async (c) => c.json({ event: publicEvent(await findEvent(tenantScopeOf(c), pathId(c, "evt", "Event"))) }));

/** Public, under /hooks/events: no session or API key; the body's signature with the workspace's events secret is the credential. */
export const eventHookRoutes = new Hono<AppEnv>().post("/:tenantId", async (c) => {
  const tenantId = await verifiedEventsWorkspace(c.get("db"), c.env, c.req.param("tenantId"), c.req.header(SIGNATURE_HEADER), await c.req.arrayBuffer());
  const idempotencyKey = idempotencyKeyOf(c);
  const inputs = await eventsBody(c);
  return c.json(await receiveEvents(new TenantScope(c.get("db"), tenantId), c.env, inputs, { via: "webhook", idempotencyKey }), 202);
});
