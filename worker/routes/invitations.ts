import { Hono } from "hono";
import { z } from "zod";
import { roleSchema } from "../auth/roles";
import { actorOf, type AppEnv } from "../context";
import { actorRole, principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import { acceptInvitation, createInvitation, describeInvitation, listInvitations, revokeInvitation } from "../services/invitations";
import { publicUser } from "../services/accounts";
import { jsonBody } from "../validation";
import { pathId } from "./params";
import { emailSchema, passwordSchema, personNameSchema } from "./schemas";
import { setSessionCookie } from "./session-cookie";
import { ApiError } from "../errors";

const createSchema = z.object({ email: emailSchema, role: roleSchema }).strict();
const tokenSchema = z.string().min(20).max(100);
const acceptSchema = z
  .object({ token: tokenSchema, name: personNameSchema.optional(), password: passwordSchema.optional() })
  .strict();

export const invitationRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:team"), async (c) => c.json({ invitations: await listInvitations(tenantScopeOf(c)) }))
  .post("/", requireScope("write:team"), async (c) => {
    const input = await jsonBody(c, createSchema);
    const created = await createInvitation(tenantScopeOf(c), actorOf(principalOf(c)), actorRole(c), c.get("requestId"), input);
    return c.json(created, 201);
  })
  .delete("/:id", requireScope("write:team"), async (c) => {
    const id = pathId(c, "inv", "Invitation");
    return c.json({ invitation: await revokeInvitation(tenantScopeOf(c), actorOf(principalOf(c)), c.get("requestId"), id) });
  })
  // The two routes below are reached with the link's token, by someone who may not have an account yet.
  .post("/lookup", async (c) => {
    const { token } = await jsonBody(c, z.object({ token: tokenSchema }).strict());
    return c.json({ invitation: await describeInvitation(c.get("db"), token) });
  })
  .post("/accept", async (c) => {
    const input = await jsonBody(c, acceptSchema);
    const principal = c.get("principal");
    if (principal?.kind === "api_key") throw new ApiError("forbidden", "Invitations are accepted by people, not API keys");
    let acceptor: Parameters<typeof acceptInvitation>[3];
    if (principal) {
      acceptor = { kind: "session", user: principal.user, sessionId: principal.session.id };
    } else {
      if (!input.name || !input.password) {
        throw new ApiError("invalid_request", "Log in first, or send name and password to create your account", {
          missing: [...(input.name ? [] : ["name"]), ...(input.password ? [] : ["password"])],
        });
      }
      acceptor = { kind: "new_account", name: input.name, password: input.password };
    }
    const result = await acceptInvitation(c.get("db"), c.get("requestId"), input.token, acceptor);
    if (result.session) setSessionCookie(c, result.session.token, result.session.session);
    return c.json(
      {
        user: publicUser(result.user),
        workspace: result.workspace,
        role: result.role,
        ...(result.session ? { csrfToken: result.session.session.csrfToken } : {}),
      },
      201,
    );
  });
