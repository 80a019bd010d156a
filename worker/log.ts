export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

let minimum: LogLevel = "info";

/** Set once per request from the LOG_LEVEL binding; tests raise it to keep their output readable. */
export function configureLogging(level: string | undefined) {
  if (level && level in RANK) minimum = level as LogLevel;
}

/** One JSON object per line, so logs can be filtered by field (requestId, tenantId) in any log tool. */
export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}) {
  if (RANK[level] < RANK[minimum]) return;
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
