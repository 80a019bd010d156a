import { Hono } from "hono";
import { z } from "zod";
import { apiScopeSchema } from "../auth/scopes";
import { actorOf, type AppEnv } from "../context";
import { principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import { createApiKey, listApiKeys, revokeApiKey } from "../services/api-keys";
import { jsonBody } from "../validation";
import { pathId } from "./params";

const createSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(100),
    scopes: z.array(apiScopeSchema).min(1, "choose at least one scope"),
    expiresAt: z
      .string()
      .datetime({ offset: true, message: "must be an ISO-8601 date-time" })
      .transform((v) => new Date(v))
      .refine((d) => d.getTime() > Date.now(), "must be in the future")
      .optional(),
  })
  .strict();

export const apiKeyRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:settings"), async (c) => c.json({ apiKeys: await listApiKeys(tenantScopeOf(c)) }))
  .post("/", requireScope("write:settings"), async (c) => {
    const input = await jsonBody(c, createSchema);
    const principal = principalOf(c);
    const created = await createApiKey(tenantScopeOf(c), actorOf(principal), principal.scopes, c.get("requestId"), input);
    return c.json(created, 201);
  })
  .delete("/:id", requireScope("write:settings"), async (c) => {
    const id = pathId(c, "key", "API key");
    return c.json({ apiKey: await revokeApiKey(tenantScopeOf(c), actorOf(principalOf(c)), c.get("requestId"), id) });
  });
