import type { Column } from "../contract";
import { unknownColumn } from "./errors";
import type { Layout } from "./layout";
import { columnKind, isOrderedKind } from "./values";

/** The file's columns, typed by the values in its head. */
export function columnsOf(layout: Layout): Column[] {
  return layout.columns.map((name, i) => {
    const kind = columnKind(layout.sample.map((row) => row[i]!));
    return { name, type: kind, incremental: isOrderedKind(kind) };
  });
}

export function assertColumns(layout: Layout, names: string[]) {
  for (const name of names) if (!layout.columns.includes(name)) throw unknownColumn(name, layout.columns);
}
