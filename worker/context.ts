import type { Context } from "hono";
import type { ApiScope } from "./auth/scopes";
import type { Role } from "./auth/roles";
import type { Database } from "./db/client";
import type { ApiKey, Session, User } from "./db/schema";
import type { Env } from "./env";

export type Actor = { type: "user" | "api_key" | "system"; id: string };

/** What the pipeline writes in the audit log when no person or key asked for the change (e.g. a merge). */
export const SYSTEM_ACTOR: Actor = { type: "system", id: "pipeline" };

export type Principal =
  | {
      kind: "user";
      user: User;
      session: Session;
      /** null when the person belongs to no workspace (all memberships removed). */
      tenantId: string | null;
      role: Role | null;
      scopes: readonly ApiScope[];
    }
  | { kind: "api_key"; apiKey: ApiKey; tenantId: string; scopes: readonly ApiScope[] };

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Database;
    principal: Principal | null;
  };
};

export type AppContext = Context<AppEnv>;

export function actorOf(principal: Principal): Actor {
  return principal.kind === "user" ? { type: "user", id: principal.user.id } : { type: "api_key", id: principal.apiKey.id };
}
