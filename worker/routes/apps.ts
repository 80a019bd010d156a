import { Hono } from "hono";
import { z } from "zod";
import { actorOf, type AppEnv } from "../context";
import { principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import { createApp, deleteApp, findApp, listApps, publicApp, testApp, testAppOptions, updateApp } from "../services/apps";
import { jsonBody } from "../validation";
import { pathId } from "./params";

const optionsSchema = z.record(z.string(), z.unknown());
const nameSchema = z.string().trim().min(1, "is required").max(100);
const createSchema = z.object({ name: nameSchema, plugin: z.string().min(1), type: z.string().min(1), options: optionsSchema.default({}) }).strict();
const updateSchema = z
  .object({ name: nameSchema.optional(), options: optionsSchema.optional() })
  .strict()
  .refine((v) => v.name !== undefined || v.options !== undefined, "send at least one of name, options");
const draftTestSchema = z.object({ plugin: z.string().min(1), type: z.string().min(1), options: optionsSchema.default({}) }).strict();

export const appRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:apps"), async (c) => {
    const rows = await listApps(tenantScopeOf(c));
    return c.json({ apps: rows.map(publicApp) });
  })
  .post("/", requireScope("write:apps"), async (c) => {
    const input = await jsonBody(c, createSchema);
    const app = await createApp(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), input);
    return c.json({ app: publicApp(app) }, 201);
  })
  .post("/test", requireScope("write:apps"), async (c) => {
    const input = await jsonBody(c, draftTestSchema);
    return c.json({ test: await testAppOptions(c.env, tenantScopeOf(c).tenantId, input) });
  })
  .get("/:id", requireScope("read:apps"), async (c) => {
    return c.json({ app: publicApp(await findApp(tenantScopeOf(c), pathId(c, "app", "App"))) });
  })
  .patch("/:id", requireScope("write:apps"), async (c) => {
    const id = pathId(c, "app", "App");
    const input = await jsonBody(c, updateSchema);
    const app = await updateApp(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), id, input);
    return c.json({ app: publicApp(app) });
  })
  .delete("/:id", requireScope("write:apps"), async (c) => {
    await deleteApp(tenantScopeOf(c), actorOf(principalOf(c)), c.get("requestId"), pathId(c, "app", "App"));
    return c.body(null, 204);
  })
  .post("/:id/test", requireScope("write:apps"), async (c) => {
    return c.json({ test: await testApp(tenantScopeOf(c), c.env, pathId(c, "app", "App")) });
  });
