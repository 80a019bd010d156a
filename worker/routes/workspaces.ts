import { Hono } from "hono";
import { z } from "zod";
import { actorOf, type AppEnv } from "../context";
import { principalOf, requireScope, sessionPrincipalOf, tenantScopeOf } from "../middleware/require";
import { setActiveTenant } from "../services/sessions";
import { createWorkspace, getWorkspace, publicWorkspace, updateWorkspace, workspacesOf } from "../services/workspaces";
import { jsonBody } from "../validation";
import { slugSchema, workspaceNameSchema } from "./schemas";

const createSchema = z.object({ name: workspaceNameSchema, slug: slugSchema }).strict();
const updateSchema = z
  .object({
    name: workspaceNameSchema.optional(),
    slug: slugSchema.optional(),
    importRetentionDays: z.number().int().min(1).max(365).optional(),
    exportMaxAttempts: z.number().int().min(1).max(25).optional(),
    eventRetentionDays: z.number().int().min(1).max(730).optional(),
    eventsCreateRecords: z.boolean().optional(),
    allowPrivateDestinations: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "send at least one of name, slug, importRetentionDays, exportMaxAttempts, eventRetentionDays, eventsCreateRecords, allowPrivateDestinations");

/** `/workspace` is the caller's current workspace; `/workspaces` lists and creates a person's workspaces. */
export const workspaceRoutes = new Hono<AppEnv>()
  .get("/workspace", async (c) => {
    principalOf(c);
    return c.json({ workspace: publicWorkspace(await getWorkspace(tenantScopeOf(c))) });
  })
  .patch("/workspace", requireScope("write:settings"), async (c) => {
    const input = await jsonBody(c, updateSchema);
    const updated = await updateWorkspace(tenantScopeOf(c), actorOf(principalOf(c)), c.get("requestId"), input);
    return c.json({ workspace: publicWorkspace(updated) });
  })
  .get("/workspaces", async (c) => {
    const principal = sessionPrincipalOf(c);
    return c.json({ workspaces: await workspacesOf(c.get("db"), principal.user.id) });
  })
  .post("/workspaces", async (c) => {
    const principal = sessionPrincipalOf(c);
    const input = await jsonBody(c, createSchema);
    const tenant = await createWorkspace(c.get("db"), c.get("requestId"), principal.user.id, input);
    await setActiveTenant(c.get("db"), principal.session.id, tenant.id);
    return c.json({ workspace: publicWorkspace(tenant), role: "owner" }, 201);
  });
