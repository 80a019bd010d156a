type Level = "debug" | "info" | "warn" | "error";

/** One JSON object per line, so logs can be filtered by field (requestId, tenantId) in any log tool. */
export function log(level: Level, msg: string, fields: Record<string, unknown> = {}) {
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
