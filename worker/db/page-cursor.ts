import { and, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { ApiError } from "../errors";

/**
 * Keyset pagination for lists ordered newest first by (createdAt, id): the cursor names the last
 * row shown, so rows written meanwhile neither repeat nor go missing the way offsets would.
 */
export function encodePageCursor(row: { createdAt: Date; id: string }) {
  return btoa(`${row.createdAt.getTime()}|${row.id}`);
}

function decodePageCursor(cursor: string): { at: Date; id: string } | null {
  try {
    const [time, id] = atob(cursor).split("|");
    const at = new Date(Number(time));
    return time && id && !Number.isNaN(at.getTime()) ? { at, id } : null;
  } catch {
    return null;
  }
}

/** The condition for rows after the cursor's row in newest-first order. */
export function afterPageCursor(cursor: string, columns: { createdAt: SQLiteColumn; id: SQLiteColumn }): SQL {
  const position = decodePageCursor(cursor);
  if (!position) throw new ApiError("invalid_request", "Invalid query parameters: cursor: not a cursor returned by this API");
  return or(lt(columns.createdAt, position.at), and(eq(columns.createdAt, position.at), lt(columns.id, position.id)))!;
}
