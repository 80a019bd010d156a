import { describe, expect, it } from "vitest";
import type { PropertyRead } from "../../plugins/contract";
import { aggregate, aggregateByRecord, sumDecimal } from "../../plugins/shared/aggregate";

const rows = [
  { user_id: 1, amount: "10.10", status: "paid", at: "2024-01-03T00:00:00.000Z", sku: "A" },
  { user_id: 1, amount: "20.20", status: "refunded", at: "2024-01-01T00:00:00.000Z", sku: "B" },
  { user_id: 1, amount: "0.30", status: "paid", at: new Date("2024-01-02T00:00:00Z"), sku: "C" },
  { user_id: 1, amount: null, status: "paid", at: "2024-01-04T00:00:00.000Z", sku: null },
];
const read = (p: Partial<PropertyRead>): PropertyRead => ({ key: "k", column: "amount", aggregation: "exact", filters: [], array: false, ...p });

describe("aggregations over a Record's rows", () => {
  it("sums decimals exactly, ignoring missing values", () => {
    expect(aggregate(rows, read({ aggregation: "sum" }))).toEqual(["30.6"]);
    expect(sumDecimal(["0.1", "0.2"])!.sum).toBe("0.3");
    expect(sumDecimal(["-1.5", "1", "1e2"])!.sum).toBe("99.5");
  });

  it("counts, averages, min and max", () => {
    expect(aggregate(rows, read({ aggregation: "count" }))).toEqual(["3"]);
    expect(aggregate(rows, read({ aggregation: "average" }))).toEqual(["10.2"]);
    expect(aggregate(rows, read({ aggregation: "min" }))).toEqual(["0.30"]);
    expect(aggregate(rows, read({ aggregation: "max" }))).toEqual(["20.20"]);
    expect(aggregate(rows, read({ column: "at", aggregation: "max" }))).toEqual(["2024-01-04T00:00:00.000Z"]);
  });

  it("most and least recent follow the sort column", () => {
    expect(aggregate(rows, read({ column: "sku", aggregation: "most_recent", sortColumn: "at" }))).toEqual(["A"]);
    expect(aggregate(rows, read({ column: "sku", aggregation: "least_recent", sortColumn: "at" }))).toEqual(["B"]);
    expect(aggregate(rows, read({ column: "sku", aggregation: "most_recent", sortColumn: "at", array: true }))).toEqual(["A", "C", "B"]);
  });

  it("applies each filter before aggregating", () => {
    const paid = { column: "status", op: "eq" as const, value: "paid" };
    expect(aggregate(rows, read({ aggregation: "sum", filters: [paid] }))).toEqual(["10.4"]);
    expect(aggregate(rows, read({ aggregation: "count", filters: [{ column: "amount", op: "gt", value: 5 }] }))).toEqual(["2"]);
    expect(aggregate(rows, read({ aggregation: "count", filters: [{ column: "sku", op: "in", value: ["A", "C"] }] }))).toEqual(["2"]);
    expect(aggregate(rows, read({ aggregation: "count", filters: [{ column: "status", op: "contains", value: "FUND" }] }))).toEqual(["1"]);
    expect(aggregate(rows, read({ column: "status", aggregation: "count", filters: [{ column: "sku", op: "not_exists" }] }))).toEqual(["1"]);
    expect(aggregate(rows, read({ column: "at", aggregation: "count", filters: [{ column: "at", op: "lt", value: "2024-01-03" }] }))).toEqual(["2"]);
  });

  it("gives no value when nothing matches, and zero for a count", () => {
    const none = [{ column: "status", op: "eq" as const, value: "lost" }];
    expect(aggregate(rows, read({ aggregation: "sum", filters: none }))).toEqual([]);
    expect(aggregate(rows, read({ aggregation: "count", filters: none }))).toEqual(["0"]);
    expect(aggregate([], read({ aggregation: "exact" }))).toEqual([]);
  });

  it("answers for every Record in the batch, matched by its key", () => {
    const result = aggregateByRecord(
      [
        { recordId: "r1", values: { user_id: "1" } },
        { recordId: "r2", values: { user_id: "2" } },
      ],
      rows,
      [read({ key: "ltv", aggregation: "sum" })],
      (row) => String(row.user_id),
      (record) => record.values.user_id ?? null,
    );
    expect(result.get("r1")).toEqual({ ltv: ["30.6"] });
    expect(result.get("r2")).toEqual({ ltv: [] });
  });
});
