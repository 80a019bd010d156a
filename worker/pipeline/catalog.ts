import { eq } from "drizzle-orm";
import { apps, properties, sources, tenants, type App, type Property, type Source } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { isPushOnly } from "./import-keys";

/** A workspace's Apps, Sources and Properties, read once per batch of Imports. */
export interface Catalog {
  properties: Property[];
  propertyByKey: Map<string, Property>;
  sources: Map<string, Source>;
  apps: Map<string, App>;
  pushOnlySourceIds: Set<string>;
  /** Whether an event about someone unknown creates their Record (a workspace setting). */
  eventsCreateRecords: boolean;
}

export async function loadCatalog(scope: TenantScope): Promise<Catalog> {
  const [props, srcs, appRows, [tenant]] = await Promise.all([
    scope.select(properties),
    scope.select(sources),
    scope.select(apps),
    scope.db.select({ eventsCreateRecords: tenants.eventsCreateRecords }).from(tenants).where(eq(tenants.id, scope.tenantId)).limit(1),
  ]);
  const appMap = new Map(appRows.map((a) => [a.id, a]));
  const pushOnly = new Set(srcs.filter((s) => appMap.has(s.appId) && isPushOnly(s, appMap.get(s.appId)!)).map((s) => s.id));
  return {
    properties: props,
    propertyByKey: new Map(props.map((p) => [p.key, p])),
    sources: new Map(srcs.map((s) => [s.id, s])),
    apps: appMap,
    pushOnlySourceIds: pushOnly,
    eventsCreateRecords: tenant?.eventsCreateRecords ?? true,
  };
}
