import { Hono } from "hono";
import { actorOf, type AppEnv } from "../context";
import { TenantScope } from "../db/tenant-scope";
import { principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import { receiveImports } from "../services/imports";
import { rotateWebhookSecret, SIGNATURE_HEADER, verifiedWebhookSource } from "../services/webhook-secrets";
import { idempotencyKeyOf, importsBody } from "./import-body";
import { pathId } from "./params";

/** Under /api/v1/sources: the secret is returned here once and never again. */
export const webhookSecretRoutes = new Hono<AppEnv>().post("/:id/webhook-secret", requireScope("write:sources"), async (c) => {
  const { secret, url } = await rotateWebhookSecret(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), pathId(c, "src", "Source"));
  return c.json({ secret, webhook: { url, hasSecret: true } });
});

/** Public, under /hooks/sources: no session or API key; the body's signature with the Source's secret is the credential. */
export const sourceHookRoutes = new Hono<AppEnv>().post("/:sourceId", async (c) => {
  const signature = c.req.header(SIGNATURE_HEADER);
  const source = await verifiedWebhookSource(c.get("db"), c.env, c.req.param("sourceId"), signature, await c.req.arrayBuffer());
  const idempotencyKey = idempotencyKeyOf(c);
  const items = await importsBody(c);
  const scope = new TenantScope(c.get("db"), source.tenantId);
  return c.json(await receiveImports(scope, c.env, { via: "webhook", sourceId: source.id }, items, idempotencyKey), 202);
});
