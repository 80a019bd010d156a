import { PluginError, type ImportPage, type ImportRequest, type Row } from "../contract";
import type { TableColumn, TableInfo } from "./catalog";
import { quoteIdent } from "./identifiers";

/**
 * Keyset paging over a table: each page starts strictly after the last row of the one before, by
 * (mark, key) for incremental imports and by key for full ones, so rows are neither skipped nor
 * repeated however large the table grows. The key is the primary key; a table without one falls
 * back to its physical row address; a view without one, to OFFSET. Counting an import's rows uses
 * the same mark conditions, so the count and the pages cannot disagree on which rows are in.
 */

const KEY_ALIAS = (i: number) => `__gf_key_${i}`;
const MARK_ALIAS = "__gf_mark";
const HWM_ALIAS = "__gf_hwm";
const HIDDEN = /^__gf_(key_\d+|mark|hwm)$/;

export const MAX_PAGE = 10_000;

type Cursor = { key: string[]; mark?: string } | { offset: number; after: string | null };

const badCursor = () => new PluginError("invalid_options", "The import cursor is not one this Source wrote; start the import again");

function decodeCursor(text: string): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badCursor();
  }
  const c = value as Record<string, unknown> | null;
  if (c && Array.isArray(c.key) && c.key.every((k) => typeof k === "string") && (c.mark === undefined || typeof c.mark === "string")) {
    return { key: c.key as string[], ...(c.mark === undefined ? {} : { mark: c.mark as string }) };
  }
  if (c && Number.isSafeInteger(c.offset) && (c.offset as number) >= 0 && (c.after === null || typeof c.after === "string")) {
    return { offset: c.offset as number, after: c.after as string | null };
  }
  throw badCursor();
}

/** The mark as the high-water mark the core stores: timestamps as ISO-8601 to the microsecond, others as PostgreSQL writes them. */
function markText(column: TableColumn, ref: string): string {
  if (column.dataType === "timestamp with time zone") return `pg_catalog.to_char(${ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  if (column.dataType === "timestamp without time zone") return `pg_catalog.to_char(${ref}, 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
  return `${ref}::text`;
}

interface Mark {
  column: TableColumn;
  ref: string;
}

/** The incremental import's mark column, refused as the import refuses it. */
function markOf(exposed: TableColumn[], incremental: ImportRequest["incremental"]): Mark | null {
  if (!incremental) return null;
  const column = exposed.find((c) => c.name === incremental.column);
  if (!column) throw new PluginError("not_found", `column "${incremental.column}" is not among this Source's columns: ${exposed.map((c) => c.name).join(", ")}`);
  if (!column.incremental) throw new PluginError("invalid_options", `column "${column.name}" (${column.type}) cannot serve as a high-water mark; use a timestamp, date or number column`);
  return { column, ref: `t.${quoteIdent(column.name)}` };
}

/** The conditions that pick an incremental import's rows; `bind` places a parameter and returns its placeholder. */
function markConditions(mark: Mark, after: string | null, bind: (value: string) => string): string[] {
  // A row without a mark has no place on the high-water line; full imports still read it.
  const where = [`${mark.ref} IS NOT NULL`];
  // At the mark itself, not past it: other rows may share the mark stored last time.
  if (after !== null) where.push(`${mark.ref} >= ${bind(after)}`);
  return where;
}

const binder = (params: string[]) => (value: string) => `$${params.push(value)}`;

/** Counts the rows an import from the start reads: the whole table, or the rows at or past the mark. */
export function planCount(target: string, exposed: TableColumn[], incremental: ImportRequest["incremental"]): { text: string; params: string[] } {
  const mark = markOf(exposed, incremental);
  const params: string[] = [];
  const where = mark ? markConditions(mark, incremental!.after, binder(params)) : [];
  return { text: `SELECT count(*) AS count FROM ${target} t${where.length ? ` WHERE ${where.join(" AND ")}` : ""}`, params };
}

function orderKey(info: TableInfo): string[] | null {
  if (info.key.length) return info.key.map((k) => `t.${quoteIdent(k)}`);
  // Partitions each number their rows from the start, so the address alone repeats across them.
  if (info.kind === "r" || info.kind === "p") return ["t.tableoid", "t.ctid"];
  return null;
}

export interface PagePlan {
  text: string;
  params: string[];
  page(rows: Row[]): ImportPage;
}

export function planPage(info: TableInfo, target: string, exposed: TableColumn[], request: ImportRequest): PagePlan {
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(request.limit)));
  const cursor = request.cursor === null ? null : decodeCursor(request.cursor);
  const params: string[] = [];
  const bind = binder(params);

  const mark = markOf(exposed, request.incremental);
  const key = orderKey(info);
  if (cursor && ("key" in cursor) !== (key !== null)) throw badCursor();
  if (cursor && "key" in cursor && (cursor.key.length !== key!.length || (mark !== null) !== (cursor.mark !== undefined))) throw badCursor();

  const select = exposed.map((c) => `t.${quoteIdent(c.name)}`);
  const where: string[] = [];
  const order: string[] = [];
  if (key) select.push(...key.map((k, i) => `${k}::text AS ${KEY_ALIAS(i)}`));
  if (mark) {
    select.push(`${mark.ref}::text AS ${MARK_ALIAS}`, `${markText(mark.column, mark.ref)} AS ${HWM_ALIAS}`);
    // An offset cursor keeps the first page's lower bound, or its offsets would shift under it.
    where.push(...markConditions(mark, cursor && "offset" in cursor ? cursor.after : request.incremental!.after, bind));
    order.push(mark.ref);
  }
  if (key) {
    order.push(...key);
    if (cursor && "key" in cursor) {
      const position = [...(mark ? [mark.ref] : []), ...key];
      const values = [...(cursor.mark !== undefined ? [cursor.mark] : []), ...cursor.key];
      // Row comparison: each parameter takes the type of the column it is compared with.
      where.push(`(${position.join(", ")}) > (${values.map(bind).join(", ")})`);
    }
  } else {
    // No key at all: the whole row's text gives a repeatable order, and identical rows are interchangeable.
    order.push("t::text");
  }
  const offset = cursor && "offset" in cursor ? cursor.offset : 0;
  const text = [
    `SELECT ${select.join(", ")} FROM ${target} t`,
    where.length ? `WHERE ${where.join(" AND ")}` : "",
    `ORDER BY ${order.join(", ")}`,
    `LIMIT ${limit + 1}`,
    offset ? `OFFSET ${offset}` : "",
  ]
    .filter(Boolean)
    .join(" ");

  return {
    text,
    params,
    page(rows) {
      const pageRows = rows.slice(0, limit);
      const last = pageRows[pageRows.length - 1];
      let nextCursor: string | null = null;
      if (rows.length > limit && last) {
        const next: Cursor = key
          ? { key: key.map((_, i) => String(last[KEY_ALIAS(i)])), ...(mark ? { mark: String(last[MARK_ALIAS]) } : {}) }
          : { offset: offset + limit, after: cursor && "offset" in cursor ? cursor.after : (request.incremental?.after ?? null) };
        nextCursor = JSON.stringify(next);
      }
      return {
        rows: pageRows.map(withoutHidden),
        nextCursor,
        highWaterMark: mark && last ? ((last[HWM_ALIAS] as string | null) ?? null) : null,
      };
    },
  };
}

function withoutHidden(row: Row): Row {
  const out: Row = {};
  for (const [name, value] of Object.entries(row)) if (!HIDDEN.test(name)) out[name] = value;
  return out;
}
