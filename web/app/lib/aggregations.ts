import { AGGREGATIONS, type Aggregation, type PropertyType } from "./models";

export const ordered = (aggregation: Aggregation) => aggregation === "most_recent" || aggregation === "least_recent";

/**
 * The aggregations the API accepts for a Property of this shape: sums and averages give numbers,
 * counts whole numbers; unique Properties hold one exact value; arrays collect values.
 */
export function aggregationsFor(type: PropertyType, unique: boolean, array: boolean): Aggregation[] {
  return AGGREGATIONS.filter((a) => {
    if ((a === "sum" || a === "average") && type !== "integer" && type !== "float") return false;
    if (a === "count" && type !== "integer") return false;
    if (unique && a !== "exact") return false;
    if (array && !(a === "exact" || ordered(a))) return false;
    return true;
  });
}
