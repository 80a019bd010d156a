import type { Env } from "../env";
import { log } from "../log";
import { recordGroupCounts } from "./group-counts";
import { deleteExpiredEvents, deleteExpiredGroupHistory, deleteExpiredImports } from "./retention";
import { startDueRuns } from "./start-due-runs";
import { sweepStalledWork } from "./sweep";
import { sendDueExports } from "./due-exports";
import { recalculateTimeRelativeGroups } from "../groups/recalculate";
import { refreshLapsedEventWindows } from "./event-windows";

/** The minute's work, each part on its own so one failing doesn't stop the others. */
export async function runScheduledWork(env: Env, now: Date) {
  const parts = { startDueRuns, recalculateTimeRelativeGroups, refreshLapsedEventWindows, sweepStalledWork, sendDueExports, deleteExpiredImports, deleteExpiredEvents, deleteExpiredGroupHistory, recordGroupCounts } as const;
  for (const [name, part] of Object.entries(parts)) {
    try {
      const result = await part(env, now);
      log("info", "scheduled work", { part: name, ...result });
    } catch (err) {
      log("error", "scheduled work failed", { part: name, error: (err as Error).message, stack: (err as Error).stack });
    }
  }
}
