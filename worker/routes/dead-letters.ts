import { Hono } from "hono";
import { z } from "zod";
import { actorOf, type AppEnv } from "../context";
import { principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import { listDeadLetters, publicDeadLetter, replayDeadLetter } from "../queues/dead-letters";
import { auditEntry } from "../services/audit-log";
import { queryParams } from "../validation";
import { pathId } from "./params";
import { limitSchema } from "./schemas";

const listQuery = z.object({ pending: z.enum(["true", "false"]).optional(), limit: limitSchema }).strict();

/** Queue messages that failed every attempt: workspace admins see why and send them again. */
export const deadLetterRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:settings"), async (c) => {
    const query = queryParams(c, listQuery);
    return c.json({ deadLetters: (await listDeadLetters(tenantScopeOf(c), query.pending === "true", query.limit)).map(publicDeadLetter) });
  })
  .post("/:id/replay", requireScope("write:settings"), async (c) => {
    const scope = tenantScopeOf(c);
    const letter = await replayDeadLetter(scope, c.env, pathId(c, "dlq", "Dead letter"));
    await auditEntry(scope, actorOf(principalOf(c)), c.get("requestId"), { action: "dead_letter.replay", targetType: "dead_letter", targetId: letter.id });
    return c.json({ deadLetter: publicDeadLetter(letter) });
  });
