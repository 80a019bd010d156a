import { Hono } from "hono";
import { z } from "zod";
import { roleSchema } from "../auth/roles";
import { actorOf, type AppEnv } from "../context";
import { actorRole, principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import { changeMemberRole, listMembers, removeMember } from "../services/members";
import { jsonBody } from "../validation";
import { pathId } from "./params";

const roleChangeSchema = z.object({ role: roleSchema }).strict();

export const memberRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:team"), async (c) => c.json({ members: await listMembers(tenantScopeOf(c)) }))
  .patch("/:id", requireScope("write:team"), async (c) => {
    const id = pathId(c, "mem", "Member");
    const { role } = await jsonBody(c, roleChangeSchema);
    const member = await changeMemberRole(tenantScopeOf(c), actorOf(principalOf(c)), actorRole(c), c.get("requestId"), id, role);
    return c.json({ member: { id: member.id, userId: member.userId, role: member.role } });
  })
  .delete("/:id", requireScope("write:team"), async (c) => {
    const id = pathId(c, "mem", "Member");
    await removeMember(tenantScopeOf(c), actorOf(principalOf(c)), actorRole(c), c.get("requestId"), id);
    return c.body(null, 204);
  });
