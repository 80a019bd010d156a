import { sql } from "drizzle-orm";
import { destinations } from "../db/destinations-schema";
import type { TenantScope } from "../db/tenant-scope";

/** The Destinations that collect a Group or carry it as a remote list (up to 50, to name them). */
export const destinationsUsingGroup = (scope: TenantScope, groupId: string) =>
  scope
    .select(destinations, sql`(${destinations.groupId} = ${groupId} or exists (select 1 from json_each(${destinations.groupLists}) where json_extract(value, '$.groupId') = ${groupId}))`)
    .limit(50);
