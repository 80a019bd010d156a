import { apps, properties, sources, type App, type Property, type Source } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { isPushOnly } from "./import-keys";

/** A workspace's Apps, Sources and Properties, read once per batch of Imports. */
export interface Catalog {
  properties: Property[];
  propertyByKey: Map<string, Property>;
  sources: Map<string, Source>;
  apps: Map<string, App>;
  pushOnlySourceIds: Set<string>;
}

export async function loadCatalog(scope: TenantScope): Promise<Catalog> {
  const [props, srcs, appRows] = await Promise.all([scope.select(properties), scope.select(sources), scope.select(apps)]);
  const appMap = new Map(appRows.map((a) => [a.id, a]));
  const pushOnly = new Set(srcs.filter((s) => appMap.has(s.appId) && isPushOnly(s, appMap.get(s.appId)!)).map((s) => s.id));
  return {
    properties: props,
    propertyByKey: new Map(props.map((p) => [p.key, p])),
    sources: new Map(srcs.map((s) => [s.id, s])),
    apps: appMap,
    pushOnlySourceIds: pushOnly,
  };
}
