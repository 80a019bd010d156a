import { Hono } from "hono";
import { z } from "zod";
import { actorOf, type AppEnv } from "../context";
import { SYNC_MODES, TIMELINE_RANGES, type TimelineRange } from "../destinations/types";
import { dryRun } from "../destinations/dry-run";
import { properties } from "../db/schema";
import { principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import {
  createDestination,
  deleteDestination,
  describeDestination,
  findDestination,
  listDestinations,
  mappingOptions,
  updateDestination,
} from "../services/destinations";
import { exportTimeline } from "../services/export-timeline";
import { destinationHoldings, retryFailedExports } from "../services/exports";
import { publicRun } from "../services/runs";
import { jsonBody, queryParams } from "../validation";
import { pathId } from "./params";
import { limitSchema } from "./schemas";

const nameSchema = z.string().trim().min(1, "is required").max(100);
const remoteName = z.string().trim().min(1, "is required").max(200);
const mappingSchema = z.array(z.object({ remote: remoteName, property: z.string().min(1).max(63) }).strict()).max(200);
const groupListsSchema = z.array(z.object({ groupId: z.string().min(1), remote: remoteName }).strict()).max(100);
const eventNamesSchema = z
  .array(
    z
      .string()
      .trim()
      .min(1, "is required")
      .max(200)
      .regex(/^[^*]*\*?$/, "must be an event name, or a prefix ending in * (only at the end)"),
  )
  .max(50);
const definition = {
  name: nameSchema,
  sendRecords: z.boolean(),
  eventNames: eventNamesSchema,
  options: z.record(z.string(), z.unknown()),
  groupId: z.string().min(1).nullable(),
  syncMode: z.enum(SYNC_MODES),
  mapping: mappingSchema,
  groupLists: groupListsSchema,
};
const createSchema = z
  .object({
    appId: z.string().min(1),
    type: z.string().min(1),
    ...definition,
    options: definition.options.default({}),
    groupId: definition.groupId.default(null),
    syncMode: definition.syncMode.default("sync"),
    groupLists: definition.groupLists.default([]),
    sendRecords: definition.sendRecords.default(true),
    eventNames: definition.eventNames.default([]),
  })
  .strict();
const updateSchema = z
  .object(definition)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "send at least one of name, options, groupId, syncMode, mapping, groupLists, sendRecords, eventNames");
const retrySchema = z.object({ exportId: z.string().min(1).max(40).optional(), recordId: z.string().min(1).max(40).optional() }).strict();
const holdingsQuery = z.object({ limit: limitSchema, recordId: z.string().max(40).optional() }).strict();
const timelineQuery = z.object({ range: z.enum(Object.keys(TIMELINE_RANGES) as [TimelineRange, ...TimelineRange[]]).default("24h") }).strict();
const draftSchema = z.object({ appId: z.string().min(1), type: z.string().min(1), options: definition.options.default({}) }).strict();

export const destinationRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:destinations"), async (c) => c.json({ destinations: await listDestinations(tenantScopeOf(c)) }))
  .post("/", requireScope("write:destinations"), async (c) => {
    const input = await jsonBody(c, createSchema);
    const scope = tenantScopeOf(c);
    const { destination, run } = await createDestination(scope, c.env, actorOf(principalOf(c)), c.get("requestId"), input);
    return c.json({ destination: await describeDestination(scope, destination), run: run && publicRun(run) }, 201);
  })
  .post("/mapping-options", requireScope("read:destinations"), async (c) => {
    const draft = await jsonBody(c, draftSchema);
    return c.json({ mappingOptions: await mappingOptions(tenantScopeOf(c), c.env, draft) });
  })
  .get("/:id", requireScope("read:destinations"), async (c) => {
    const scope = tenantScopeOf(c);
    return c.json({ destination: await describeDestination(scope, await findDestination(scope, pathId(c, "dst", "Destination"))) });
  })
  .patch("/:id", requireScope("write:destinations"), async (c) => {
    const id = pathId(c, "dst", "Destination");
    const input = await jsonBody(c, updateSchema);
    const scope = tenantScopeOf(c);
    const { destination, run } = await updateDestination(scope, c.env, actorOf(principalOf(c)), c.get("requestId"), id, input);
    return c.json({ destination: await describeDestination(scope, destination), run: run && publicRun(run) });
  })
  .delete("/:id", requireScope("write:destinations"), async (c) => {
    await deleteDestination(tenantScopeOf(c), actorOf(principalOf(c)), c.get("requestId"), pathId(c, "dst", "Destination"));
    return c.body(null, 204);
  })
  .post("/:id/exports/retry", requireScope("write:exports"), async (c) => {
    const id = pathId(c, "dst", "Destination");
    const filter = await jsonBody(c, retrySchema);
    return c.json(await retryFailedExports(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), id, filter));
  })
  .get("/:id/exports/timeline", requireScope("read:exports"), async (c) => {
    const id = pathId(c, "dst", "Destination");
    return c.json({ timeline: await exportTimeline(tenantScopeOf(c), id, queryParams(c, timelineQuery).range) });
  })
  .get("/:id/records", requireScope("read:destinations"), async (c) => {
    const id = pathId(c, "dst", "Destination");
    const query = queryParams(c, holdingsQuery);
    return c.json({ records: await destinationHoldings(tenantScopeOf(c), id, { limit: query.limit, recordIds: query.recordId ? [query.recordId] : undefined }) });
  })
  .post("/:id/dry-run", requireScope("read:destinations"), async (c) => {
    const scope = tenantScopeOf(c);
    const destination = await findDestination(scope, pathId(c, "dst", "Destination"));
    return c.json({ dryRun: await dryRun(scope, destination, await scope.select(properties)) });
  })
  .get("/:id/mapping-options", requireScope("read:destinations"), async (c) => {
    const scope = tenantScopeOf(c);
    const destination = await findDestination(scope, pathId(c, "dst", "Destination"));
    return c.json({ mappingOptions: await mappingOptions(scope, c.env, destination) });
  });
