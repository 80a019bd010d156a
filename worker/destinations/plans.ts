import { destinations } from "../db/destinations-schema";
import type { Property } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { DestinationPlan } from "./decide";

/**
 * The workspace's Destinations as Records' objects decide with them, read once per batch. A mapped
 * Property that no longer exists is left out of the payload rather than failing every Record.
 */
export async function destinationPlans(scope: TenantScope, props: readonly Property[]): Promise<DestinationPlan[]> {
  const byId = new Map(props.map((p) => [p.id, p]));
  const rows = await scope.select(destinations);
  return rows.map((d) => ({
    id: d.id,
    version: d.configVersion,
    groupId: d.groupId,
    syncMode: d.syncMode,
    sendRecords: d.sendRecords,
    eventNames: d.eventNames,
    fields: d.mapping.flatMap((m) => {
      const p = byId.get(m.propertyId);
      return p ? [{ remote: m.remote, key: p.key, type: p.type, isArray: p.isArray, arrays: m.arrays }] : [];
    }),
    lists: d.groupLists,
  }));
}
