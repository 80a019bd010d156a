import { createMiddleware } from "hono/factory";
import { scopesAllow, type ApiScope } from "../auth/scopes";
import type { AppContext, AppEnv, Principal } from "../context";
import { TenantScope } from "../db/tenant-scope";
import { ApiError } from "../errors";

export function principalOf(c: AppContext): Principal {
  const principal = c.get("principal");
  if (!principal) throw new ApiError("unauthenticated", "Log in or send an API key in the Authorization header");
  return principal;
}

/** The caller's role, for rules about roles themselves (only owners touch owners); API keys have none. */
export function actorRole(c: AppContext) {
  const principal = principalOf(c);
  return principal.kind === "user" ? principal.role : null;
}

/** Requires a logged-in person (not an API key): for things that belong to a person, like their session. */
export function sessionPrincipalOf(c: AppContext) {
  const principal = principalOf(c);
  if (principal.kind !== "user") throw new ApiError("forbidden", "This endpoint is for logged-in people, not API keys");
  return principal;
}

/** The caller's workspace, as the tenant-scoped data layer every workspace query goes through. */
export function tenantScopeOf(c: AppContext): TenantScope {
  const principal = principalOf(c);
  if (!principal.tenantId) throw new ApiError("forbidden", "You do not belong to a workspace yet; create one or accept an invitation");
  return new TenantScope(c.get("db"), principal.tenantId);
}

export const requireScope = (scope: ApiScope) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const principal = principalOf(c);
    tenantScopeOf(c);
    if (!scopesAllow(principal.scopes, scope)) {
      const who = principal.kind === "user" ? `Your role (${principal.role})` : "This API key";
      throw new ApiError("forbidden", `${who} does not allow ${scope}`, { required: scope });
    }
    await next();
  });
