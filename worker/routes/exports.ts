import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { EXPORT_STATES } from "../destinations/types";
import { requireScope, tenantScopeOf } from "../middleware/require";
import { findExport, listExports, publicExport } from "../services/exports";
import { queryParams } from "../validation";
import { pathId } from "./params";
import { limitSchema } from "./schemas";

const idFilter = z.string().max(40).optional();
const instant = z
  .string()
  .datetime({ offset: true, message: "must be an ISO-8601 date-time" })
  .transform((v) => new Date(v))
  .optional();
const listQuery = z
  .object({ destinationId: idFilter, recordId: idFilter, state: z.enum(EXPORT_STATES).optional(), since: instant, until: instant, limit: limitSchema, cursor: z.string().max(200).optional() })
  .strict();

export const exportRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:exports"), async (c) => c.json(await listExports(tenantScopeOf(c), queryParams(c, listQuery))))
  .get("/:id", requireScope("read:exports"), async (c) => c.json({ export: publicExport(await findExport(tenantScopeOf(c), pathId(c, "exp", "Export"))) }));
