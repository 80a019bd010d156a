import { PluginError } from "../contract";

export const badFile = (message: string, details?: Record<string, unknown>) => new PluginError("bad_file", message, details);

export const fileNotFound = (fileId: string) =>
  new PluginError("not_found", `File ${fileId} is not among this workspace's uploads; upload it again or choose another file`, { fileId });

export function unknownColumn(column: string, columns: string[]) {
  return new PluginError("not_found", `Column "${column}" is not in the file; it has ${columns.join(", ")}`, { column });
}
