import { and, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { recordIdentities, recordProperties, records, type Property } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import { ApiError } from "../errors";
import { coerce } from "../properties/coerce";

export const MATCH_MODES = ["equals", "contains", "starts_with"] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

export interface RecordSearch {
  /** Records holding `value` in this Property. */
  property?: { key: string; value: string; match: MatchMode };
  /** Records with a unique Property value starting with this text. */
  q?: string;
}

const badQuery = (path: string, message: string) =>
  new ApiError("invalid_request", `Invalid query parameters: ${path}: ${message}`, [{ path, message }]);

// Above every other code point, so `value < prefix + LAST` holds for every value starting with prefix.
const LAST_CODE_POINT = "\u{10FFFF}";

const likePattern = (text: string, mode: Exclude<MatchMode, "equals">) => {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return mode === "contains" ? `%${escaped}%` : `${escaped}%`;
};

/**
 * The value condition on record_properties. Equals compares the canonical text, so the search text
 * is coerced like any arriving value ("ADA@Example.com" finds ada@example.com, "042" finds 42).
 * The other modes use LIKE, which SQLite compares without case for ASCII letters.
 */
function valueCondition(property: Property, value: string, match: MatchMode): SQL {
  if (match !== "equals") return sql`${recordProperties.value} like ${likePattern(value, match)} escape '\\'`;
  const coerced = coerce(property.type, value);
  if (!coerced.ok) throw badQuery("value", coerced.reason);
  if (coerced.value === null) throw badQuery("value", "is blank");
  return eq(recordProperties.value, coerced.value);
}

/**
 * Conditions on `records` for a search, as id subqueries that the indexes answer:
 * record_properties (tenant, property, value) and record_identities (tenant, property, value).
 * Each subquery names the workspace itself because it runs inside a TenantScope select.
 */
export function searchConditions(scope: TenantScope, workspaceProperties: Property[], search: RecordSearch): SQL[] {
  const conditions: SQL[] = [];
  if (search.property) {
    const { key, value, match } = search.property;
    const property = workspaceProperties.find((p) => p.key === key);
    if (!property) throw badQuery("property", `no Property has the key "${key}"`);
    const holders = scope.db
      .select({ recordId: recordProperties.recordId })
      .from(recordProperties)
      .where(and(eq(recordProperties.tenantId, scope.tenantId), eq(recordProperties.propertyId, property.id), valueCondition(property, value, match)));
    conditions.push(inArray(records.id, holders));
  }
  if (search.q !== undefined) {
    const uniqueIds = workspaceProperties.filter((p) => p.unique).map((p) => p.id);
    // Canonical unique values are often lower case (emails always are), so the lower-cased text is tried too.
    const prefixes = [...new Set([search.q, search.q.toLowerCase()])];
    const holders = scope.db
      .select({ recordId: recordIdentities.recordId })
      .from(recordIdentities)
      .where(
        and(
          eq(recordIdentities.tenantId, scope.tenantId),
          inArray(recordIdentities.propertyId, uniqueIds),
          or(...prefixes.map((p) => and(gte(recordIdentities.value, p), lt(recordIdentities.value, p + LAST_CODE_POINT)))),
        ),
      );
    conditions.push(inArray(records.id, holders));
  }
  return conditions;
}
