import type { Aggregation, FilterOp, Property, PropertyFilter } from "./models";

const OPS: Record<FilterOp, string> = {
  eq: "=",
  ne: "≠",
  gt: ">",
  gte: "≥",
  lt: "<",
  lte: "≤",
  contains: "contains",
  not_contains: "does not contain",
  exists: "is present",
  not_exists: "is missing",
  in: "is one of",
  in_last: "in the last",
};

export const AGGREGATION_LABELS: Record<Aggregation, string> = {
  exact: "Exact value",
  sum: "Sum",
  count: "Count",
  average: "Average",
  min: "Minimum",
  max: "Maximum",
  most_recent: "Most recent",
  least_recent: "Least recent",
};

export const FILTER_LABELS: Record<FilterOp, string> = {
  eq: "equals",
  ne: "does not equal",
  gt: "is greater than",
  gte: "is at least",
  lt: "is less than",
  lte: "is at most",
  contains: "contains",
  not_contains: "does not contain",
  exists: "is present",
  not_exists: "is missing",
  in: "is one of",
  in_last: "is in the last",
};

function describeFilter(filter: PropertyFilter): string {
  const { value: raw } = filter;
  const value = Array.isArray(raw) ? raw.join(", ") : typeof raw === "object" ? `${raw.amount} ${raw.amount === 1 ? raw.unit.slice(0, -1) : raw.unit}` : raw;
  return value === undefined ? `${filter.column} ${OPS[filter.op]}` : `${filter.column} ${OPS[filter.op]} ${value}`;
}

function describeValue(p: Pick<Property, "column" | "aggregation" | "sortColumn" | "array">): string {
  switch (p.aggregation) {
    case "exact":
      return p.array ? `every ${p.column}` : p.column;
    case "sum":
      return `sum of ${p.column}`;
    case "count":
      return `count of ${p.column}`;
    case "average":
      return `average of ${p.column}`;
    case "min":
      return `smallest ${p.column}`;
    case "max":
      return `largest ${p.column}`;
    case "most_recent":
      return p.array ? `every ${p.column}, newest first by ${p.sortColumn}` : `most recent ${p.column} by ${p.sortColumn}`;
    case "least_recent":
      return p.array ? `every ${p.column}, oldest first by ${p.sortColumn}` : `earliest ${p.column} by ${p.sortColumn}`;
  }
}

/** How a Property is read, in words: "sum of amount where status = paid". */
export function describeRead(p: Pick<Property, "column" | "aggregation" | "sortColumn" | "array" | "filters">): string {
  return p.filters.length ? `${describeValue(p)} where ${describeFilters(p.filters)}` : describeValue(p);
}

/** Conditions in words: "status = paid and amount > 10". */
export const describeFilters = (filters: PropertyFilter[]) => filters.map(describeFilter).join(" and ");
