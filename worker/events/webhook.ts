import { eq } from "drizzle-orm";
import type { Actor } from "../context";
import type { Database } from "../db/client";
import { tenants } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { SECRET_MASK } from "../services/apps";
import { auditEntry } from "../services/audit-log";
import { newWebhookSecret, verifySignature } from "../services/webhook-secrets";

/** Where a workspace's systems post events without an API key, signing each body with its secret. */
export const eventsWebhookPath = (tenantId: string) => `/hooks/events/${tenantId}`;

/** Gives the workspace a new events webhook secret, replacing any old one at once; this is the only time it is shown. */
export async function rotateEventsWebhookSecret(scope: TenantScope, env: Env, actor: Actor, requestId: string) {
  const [before] = await scope.db.select({ sealed: tenants.sealedEventsWebhookSecret }).from(tenants).where(eq(tenants.id, scope.tenantId)).limit(1);
  const { secret, sealed } = await newWebhookSecret(env, scope.tenantId);
  await scope.db.batch([
    scope.db.update(tenants).set({ sealedEventsWebhookSecret: sealed, updatedAt: new Date() }).where(eq(tenants.id, scope.tenantId)),
    auditEntry(scope, actor, requestId, {
      action: "workspace.events_webhook_secret",
      targetType: "workspace",
      targetId: scope.tenantId,
      before: { eventsWebhookSecret: before?.sealed ? SECRET_MASK : null },
      after: { eventsWebhookSecret: SECRET_MASK },
    }),
  ]);
  return { secret, url: eventsWebhookPath(scope.tenantId) };
}

/** The workspace an events delivery is for, once its signature checks out; any failure is the same 401. */
export async function verifiedEventsWorkspace(db: Database, env: Env, tenantId: string, signatureHeader: string | undefined, body: ArrayBuffer): Promise<string> {
  // Not confined to a workspace: the delivery names one, and only its secret can vouch for it.
  const [tenant] = await db.select({ id: tenants.id, sealed: tenants.sealedEventsWebhookSecret }).from(tenants).where(eq(tenants.id, tenantId)).limit(1);
  await verifySignature(env, tenant ? { sealed: tenant.sealed, tenantId: tenant.id } : null, signatureHeader, body);
  return tenant!.id;
}
