import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { IMPORT_STATES } from "../db/schema";
import { requireScope, tenantScopeOf } from "../middleware/require";
import { findImport, listImports, publicImport, receiveImports } from "../services/imports";
import { queryParams } from "../validation";
import { idempotencyKeyOf, importsBody } from "./import-body";
import { pathId } from "./params";
import { limitSchema } from "./schemas";

const idFilter = z.string().max(40).optional();
const listQuery = z
  .object({ state: z.enum(IMPORT_STATES).optional(), recordId: idFilter, runId: idFilter, sourceId: idFilter, limit: limitSchema, cursor: z.string().max(200).optional() })
  .strict();

export const importRoutes = new Hono<AppEnv>()
  .post("/", requireScope("write:imports"), async (c) => {
    const idempotencyKey = idempotencyKeyOf(c);
    const items = await importsBody(c);
    return c.json(await receiveImports(tenantScopeOf(c), c.env, { via: "api" }, items, idempotencyKey), 202);
  })
  .get("/", requireScope("read:imports"), async (c) => {
    const page = await listImports(tenantScopeOf(c), queryParams(c, listQuery));
    return c.json({ imports: page.imports.map(publicImport), nextCursor: page.nextCursor });
  })
  .get("/:id", requireScope("read:imports"), async (c) => c.json({ import: publicImport(await findImport(tenantScopeOf(c), pathId(c, "imp", "Import"))) }));
