import { PluginError } from "../contract";
import type { Position } from "./layout";

/** The next row's byte offset, line and row number: enough to resume reading exactly there. */
export const encodeCursor = (at: Position) => `${at.offset}:${at.line}:${at.row}`;

export function decodeCursor(cursor: string): Position {
  const match = /^(\d{1,15}):(\d{1,15}):(\d{1,15})$/.exec(cursor);
  if (!match) throw new PluginError("invalid_options", `"${cursor.slice(0, 40)}" is not a cursor this CSV Source returned`);
  return { offset: Number(match[1]), line: Number(match[2]), row: Number(match[3]) };
}
