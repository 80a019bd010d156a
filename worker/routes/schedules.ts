import { Hono } from "hono";
import { z } from "zod";
import { actorOf, type AppEnv } from "../context";
import { principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import { publicRun, startRunByHand } from "../services/runs";
import { createSchedule, deleteSchedule, findSchedule, listSchedules, publicSchedule, updateSchedule } from "../services/schedules";
import { jsonBody, queryParams } from "../validation";
import { pathId } from "./params";

/** At least every minute (the cron's beat), at most once a week. */
const everyMinutes = z.number().int().min(1, "must be at least 1 minute").max(10_080, "must be at most a week (10080 minutes)").nullable();
const fields = {
  name: z.string().trim().min(1, "is required").max(100),
  everyMinutes,
  incrementalColumn: z.string().min(1).max(128).nullable(),
  confirmRecords: z.boolean(),
  removeMissing: z.boolean(),
};
const createSchema = z
  .object({
    sourceId: z.string().min(1),
    ...fields,
    everyMinutes: everyMinutes.default(null),
    incrementalColumn: fields.incrementalColumn.default(null),
    confirmRecords: fields.confirmRecords.default(false),
    removeMissing: fields.removeMissing.default(false),
  })
  .strict();
const updateSchema = z
  .object(fields)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");
const listQuery = z.object({ sourceId: z.string().max(40).optional() }).strict();

export const scheduleRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:runs"), async (c) => {
    const { sourceId } = queryParams(c, listQuery);
    return c.json({ schedules: (await listSchedules(tenantScopeOf(c), sourceId)).map(publicSchedule) });
  })
  .post("/", requireScope("write:runs"), async (c) => {
    const { sourceId, ...input } = await jsonBody(c, createSchema);
    const schedule = await createSchedule(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), sourceId, input);
    return c.json({ schedule: publicSchedule(schedule) }, 201);
  })
  .get("/:id", requireScope("read:runs"), async (c) => c.json({ schedule: publicSchedule(await findSchedule(tenantScopeOf(c), pathId(c, "sch", "Schedule"))) }))
  .patch("/:id", requireScope("write:runs"), async (c) => {
    const id = pathId(c, "sch", "Schedule");
    const changes = await jsonBody(c, updateSchema);
    const schedule = await updateSchedule(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), id, changes);
    return c.json({ schedule: publicSchedule(schedule) });
  })
  .post("/:id/runs", requireScope("write:runs"), async (c) => {
    const run = await startRunByHand(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), pathId(c, "sch", "Schedule"));
    return c.json({ run: publicRun(run) }, 201);
  })
  .delete("/:id", requireScope("write:runs"), async (c) => {
    await deleteSchedule(tenantScopeOf(c), actorOf(principalOf(c)), c.get("requestId"), pathId(c, "sch", "Schedule"));
    return c.body(null, 204);
  });
