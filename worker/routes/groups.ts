import { Hono } from "hono";
import { z } from "zod";
import { actorOf, type AppContext, type AppEnv } from "../context";
import { GROUP_TYPES } from "../db/schema";
import { principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import { changeManualMembers, listMembers, MAX_MEMBERS_PER_CALL } from "../services/group-members";
import { createGroup, deleteGroup, findGroup, groupCountsOver, listGroups, publicGroup, updateGroup } from "../services/groups";
import { explainMembership, latestRecalculation, previewRules, recalculateByHand } from "../services/group-rules";
import { publicRun } from "../services/runs";
import { jsonBody, queryParams } from "../validation";
import { pathId } from "./params";
import { limitSchema } from "./schemas";

const fields = {
  name: z.string().trim().min(1, "is required").max(100),
  description: z.string().trim().max(1000),
  // Checked against the workspace's Properties by the service, which names the rule at fault.
  rules: z.unknown(),
};
const createSchema = z.object({ ...fields, description: fields.description.default(""), type: z.enum(GROUP_TYPES) }).strict();
const previewSchema = z.object({ rules: z.unknown() }).strict();
const updateSchema = z
  .object(fields)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");

const tooMany = `at most ${MAX_MEMBERS_PER_CALL.toLocaleString("en-US")} per call`;
const membersSchema = z.union([
  z.object({ recordIds: z.array(z.string().min(1).max(40)).min(1, "name at least one Record").max(MAX_MEMBERS_PER_CALL, tooMany), skipUnknown: z.boolean().default(false) }).strict(),
  z
    .object({
      property: z.string().min(1).max(63),
      values: z.array(z.union([z.string().max(1000), z.number()])).min(1, "name at least one value").max(MAX_MEMBERS_PER_CALL, tooMany),
      skipUnknown: z.boolean().default(false),
    })
    .strict(),
]);
const countsQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }).strict();
const membersQuery = z.object({ limit: limitSchema, cursor: z.string().max(200).optional() }).strict();

export const groupRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:groups"), async (c) => c.json({ groups: (await listGroups(tenantScopeOf(c))).map(publicGroup) }))
  .post("/", requireScope("write:groups"), async (c) => {
    const input = await jsonBody(c, createSchema);
    const { group, run } = await createGroup(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), input);
    return c.json({ group: publicGroup(group), run: run && publicRun(run) }, 201);
  })
  .post("/preview", requireScope("read:groups"), async (c) => {
    const { rules } = await jsonBody(c, previewSchema);
    return c.json(await previewRules(tenantScopeOf(c), rules));
  })
  .get("/:id", requireScope("read:groups"), async (c) => {
    const scope = tenantScopeOf(c);
    const group = await findGroup(scope, pathId(c, "grp", "Group"));
    const run = await latestRecalculation(scope, group);
    return c.json({ group: { ...publicGroup(group), recalculation: run && publicRun(run) } });
  })
  .patch("/:id", requireScope("write:groups"), async (c) => {
    const id = pathId(c, "grp", "Group");
    const changes = await jsonBody(c, updateSchema);
    const { group, run } = await updateGroup(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), id, changes);
    return c.json({ group: publicGroup(group), run: run && publicRun(run) });
  })
  .post("/:id/recalculate", requireScope("write:groups"), async (c) => {
    const run = await recalculateByHand(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), pathId(c, "grp", "Group"));
    return c.json({ run: publicRun(run) }, 202);
  })
  .get("/:id/explain/:recordId", requireScope("read:groups"), async (c) => {
    const id = pathId(c, "grp", "Group");
    return c.json(await explainMembership(tenantScopeOf(c), id, pathId(c, "rec", "Record", "recordId")));
  })
  .delete("/:id", requireScope("write:groups"), async (c) => {
    await deleteGroup(tenantScopeOf(c), actorOf(principalOf(c)), c.get("requestId"), pathId(c, "grp", "Group"));
    return c.body(null, 204);
  })
  .get("/:id/members", requireScope("read:groups"), async (c) => {
    const id = pathId(c, "grp", "Group");
    return c.json(await listMembers(tenantScopeOf(c), id, queryParams(c, membersQuery)));
  })
  .get("/:id/counts", requireScope("read:groups"), async (c) => {
    const id = pathId(c, "grp", "Group");
    const { days } = queryParams(c, countsQuery);
    return c.json({ counts: await groupCountsOver(tenantScopeOf(c), id, days) });
  })
  .post("/:id/members", requireScope("write:groups"), async (c) => c.json(await changeMembers(c, "add")))
  .post("/:id/members/remove", requireScope("write:groups"), async (c) => c.json(await changeMembers(c, "remove")));

async function changeMembers(c: AppContext, change: "add" | "remove") {
  const id = pathId(c, "grp", "Group");
  const { skipUnknown, ...selection } = await jsonBody(c, membersSchema);
  return changeManualMembers(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), id, change, selection, { skipUnknown });
}
