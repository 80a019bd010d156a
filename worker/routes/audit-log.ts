import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { requireScope, tenantScopeOf } from "../middleware/require";
import { listAuditEntries } from "../services/audit-log";
import { queryParams } from "../validation";
import { limitSchema } from "./schemas";

const listSchema = z
  .object({ limit: limitSchema, cursor: z.string().max(200).optional(), action: z.string().max(100).optional() })
  .strict();

export const auditLogRoutes = new Hono<AppEnv>().get("/", requireScope("read:settings"), async (c) => {
  const query = queryParams(c, listSchema);
  return c.json(await listAuditEntries(tenantScopeOf(c), query));
});
