import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { requireScope, tenantScopeOf } from "../middleware/require";
import { MATCH_MODES } from "../services/record-search";
import { getRecord, listRecords } from "../services/records";
import { queryParams } from "../validation";
import { pathId } from "./params";
import { limitSchema } from "./schemas";

const listQuery = z
  .object({
    limit: limitSchema,
    cursor: z.string().max(200).optional(),
    property: z.string().min(1).max(63).optional(),
    value: z.string().min(1).max(1000).optional(),
    match: z.enum(MATCH_MODES).optional(),
    q: z.string().min(1).max(254).optional(),
  })
  .strict()
  .refine((v) => (v.property === undefined) === (v.value === undefined), { message: "send property and value together", path: ["value"] })
  .refine((v) => v.match === undefined || v.property !== undefined, { message: "applies only to a property search", path: ["match"] })
  .transform(({ property, value, match, ...rest }) => ({
    ...rest,
    property: property !== undefined && value !== undefined ? { key: property, value, match: match ?? ("equals" as const) } : undefined,
  }));

const detailQuery = z
  .object({ before: z.string().datetime({ offset: true, message: "must be an ISO-8601 time" }).transform((s) => new Date(s)).optional() })
  .strict();

export const recordRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:records"), async (c) => c.json(await listRecords(tenantScopeOf(c), queryParams(c, listQuery))))
  .get("/:id", requireScope("read:records"), async (c) => {
    const { before } = queryParams(c, detailQuery);
    return c.json({ record: await getRecord(tenantScopeOf(c), pathId(c, "rec", "Record"), before) });
  });
