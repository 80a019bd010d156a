import { asc, eq } from "drizzle-orm";
import type { Actor } from "../context";
import type { Database } from "../db/client";
import { isUniqueViolation } from "../db/client";
import { memberships, tenants, type Membership, type Tenant } from "../db/schema";
import { TenantScope } from "../db/tenant-scope";
import { ApiError, notFound } from "../errors";
import { newId } from "../ids";
import { auditEntry } from "./audit-log";

export const publicWorkspace = (t: Tenant) => ({
  id: t.id,
  name: t.name,
  slug: t.slug,
  importRetentionDays: t.importRetentionDays,
  exportMaxAttempts: t.exportMaxAttempts,
  eventRetentionDays: t.eventRetentionDays,
  eventsCreateRecords: t.eventsCreateRecords,
  allowPrivateDestinations: t.allowPrivateDestinations,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
});

/** The settings a workspace update may change, as they are shown in its audit entries. */
type WorkspaceSettings = Pick<Tenant, "name" | "slug" | "importRetentionDays" | "exportMaxAttempts" | "eventRetentionDays" | "eventsCreateRecords" | "allowPrivateDestinations">;
const settingsOf = (t: Tenant): WorkspaceSettings => ({
  name: t.name,
  slug: t.slug,
  importRetentionDays: t.importRetentionDays,
  exportMaxAttempts: t.exportMaxAttempts,
  eventRetentionDays: t.eventRetentionDays,
  eventsCreateRecords: t.eventsCreateRecords,
  allowPrivateDestinations: t.allowPrivateDestinations,
});

export async function slugTaken(db: Database, slug: string) {
  const [row] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)).limit(1);
  return Boolean(row);
}

export function newWorkspaceRows(input: { name: string; slug: string }, ownerId: string) {
  const now = new Date();
  const tenant: Tenant = { id: newId("ten"), name: input.name, slug: input.slug, importRetentionDays: 30, exportMaxAttempts: 10, eventRetentionDays: 90, eventsCreateRecords: true, sealedEventsWebhookSecret: null, allowPrivateDestinations: false, createdAt: now, updatedAt: now };
  const membership: Membership = { id: newId("mem"), tenantId: tenant.id, userId: ownerId, role: "owner", createdAt: now };
  return { tenant, membership };
}

const slugConflict = (slug: string) => new ApiError("conflict", `The workspace address "${slug}" is taken`, { field: "slug" });

export async function createWorkspace(db: Database, requestId: string, ownerId: string, input: { name: string; slug: string }) {
  if (await slugTaken(db, input.slug)) throw slugConflict(input.slug);
  const rows = newWorkspaceRows(input, ownerId);
  const scope = new TenantScope(db, rows.tenant.id);
  try {
    await db.batch([
      db.insert(tenants).values(rows.tenant),
      db.insert(memberships).values(rows.membership),
      auditEntry(scope, { type: "user", id: ownerId }, requestId, {
        action: "workspace.create",
        targetType: "workspace",
        targetId: rows.tenant.id,
        after: { name: rows.tenant.name, slug: rows.tenant.slug },
      }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, "tenants.slug")) throw slugConflict(input.slug);
    throw err;
  }
  return rows.tenant;
}

export async function getWorkspace(scope: TenantScope): Promise<Tenant> {
  const [tenant] = await scope.db.select().from(tenants).where(eq(tenants.id, scope.tenantId)).limit(1);
  if (!tenant) throw notFound("Workspace");
  return tenant;
}

export async function updateWorkspace(scope: TenantScope, actor: Actor, requestId: string, input: Partial<WorkspaceSettings>) {
  const before = await getWorkspace(scope);
  if (input.slug && input.slug !== before.slug && (await slugTaken(scope.db, input.slug))) throw slugConflict(input.slug);
  const after: Tenant = { ...before, ...input, updatedAt: new Date() };
  try {
    await scope.db.batch([
      scope.db.update(tenants).set({ ...settingsOf(after), updatedAt: after.updatedAt }).where(eq(tenants.id, scope.tenantId)),
      auditEntry(scope, actor, requestId, {
        action: "workspace.update",
        targetType: "workspace",
        targetId: scope.tenantId,
        before: settingsOf(before),
        after: settingsOf(after),
      }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, "tenants.slug")) throw slugConflict(after.slug);
    throw err;
  }
  return after;
}

export async function workspacesOf(db: Database, userId: string) {
  return db
    .select({ id: tenants.id, name: tenants.name, slug: tenants.slug, role: memberships.role })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt));
}
