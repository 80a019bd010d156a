import { Hono } from "hono";
import { z } from "zod";
import type { AppContext, AppEnv } from "../context";
import { ApiError } from "../errors";
import { logIn, publicUser, signUp } from "../services/accounts";
import { revokeSession, setActiveTenant } from "../services/sessions";
import { publicWorkspace, workspacesOf } from "../services/workspaces";
import { jsonBody } from "../validation";
import { sessionPrincipalOf } from "../middleware/require";
import { emailSchema, passwordSchema, personNameSchema, slugSchema, workspaceNameSchema } from "./schemas";
import { clearSessionCookie, setSessionCookie } from "./session-cookie";

const signUpSchema = z
  .object({
    name: personNameSchema,
    email: emailSchema,
    password: passwordSchema,
    workspaceName: workspaceNameSchema,
    workspaceSlug: slugSchema,
  })
  .strict();

const logInSchema = z.object({ email: emailSchema, password: z.string().min(1, "is required").max(256) }).strict();
const switchSchema = z.object({ workspaceId: z.string().min(1) }).strict();

/** The address failed log-ins are counted against; the edge sets CF-Connecting-IP and callers cannot forge it there. */
const clientIp = (c: AppContext) => c.req.header("cf-connecting-ip") ?? null;

async function sessionView(c: AppContext) {
  const principal = sessionPrincipalOf(c);
  const workspaces = await workspacesOf(c.get("db"), principal.user.id);
  const current = workspaces.find((w) => w.id === principal.tenantId) ?? null;
  return {
    user: publicUser(principal.user),
    workspace: current ? { id: current.id, name: current.name, slug: current.slug } : null,
    role: principal.role,
    scopes: principal.scopes,
    workspaces,
    csrfToken: principal.session.csrfToken,
  };
}

export const authRoutes = new Hono<AppEnv>()
  .post("/signup", async (c) => {
    const input = await jsonBody(c, signUpSchema);
    const { user, tenant, token, session } = await signUp(c.get("db"), c.get("requestId"), input);
    setSessionCookie(c, token, session);
    return c.json({ user: publicUser(user), workspace: publicWorkspace(tenant), role: "owner", csrfToken: session.csrfToken }, 201);
  })
  .post("/login", async (c) => {
    const input = await jsonBody(c, logInSchema);
    const { user, token, session } = await logIn(c.get("db"), { ...input, ip: clientIp(c) });
    setSessionCookie(c, token, session);
    return c.json({ user: publicUser(user), csrfToken: session.csrfToken });
  })
  .post("/logout", async (c) => {
    const principal = sessionPrincipalOf(c);
    await revokeSession(c.get("db"), principal.session.id);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .get("/session", async (c) => c.json(await sessionView(c)))
  .post("/switch-workspace", async (c) => {
    const principal = sessionPrincipalOf(c);
    const { workspaceId } = await jsonBody(c, switchSchema);
    const workspaces = await workspacesOf(c.get("db"), principal.user.id);
    if (!workspaces.some((w) => w.id === workspaceId)) throw new ApiError("not_found", "Workspace not found");
    await setActiveTenant(c.get("db"), principal.session.id, workspaceId);
    return c.json({ workspaceId });
  });
