import { Hono } from "hono";
import { z } from "zod";
import { actorOf, type AppEnv } from "../context";
import { principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import { RUN_STATES } from "../runs/states";
import { findRun, listRuns, publicRun, stopRun } from "../services/runs";
import { queryParams } from "../validation";
import { pathId } from "./params";
import { limitSchema } from "./schemas";

const listQuery = z.object({ scheduleId: z.string().max(40).optional(), state: z.enum(RUN_STATES).optional(), limit: limitSchema }).strict();

export const runRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:runs"), async (c) => {
    const query = queryParams(c, listQuery);
    return c.json({ runs: (await listRuns(tenantScopeOf(c), query)).map(publicRun) });
  })
  .get("/:id", requireScope("read:runs"), async (c) => c.json({ run: publicRun(await findRun(tenantScopeOf(c), pathId(c, "run", "Run"))) }))
  .post("/:id/stop", requireScope("write:runs"), async (c) => {
    const run = await stopRun(tenantScopeOf(c), actorOf(principalOf(c)), c.get("requestId"), pathId(c, "run", "Run"));
    return c.json({ run: publicRun(run) });
  });
