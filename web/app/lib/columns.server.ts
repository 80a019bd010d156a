import { apiFailure, callApi, type Caller } from "./api.server";
import type { Column } from "./models";

/**
 * A Source's columns, read live from the outside system. When that fails (a dropped table, an
 * unreachable database) the page still shows, with the reason instead of the columns.
 */
export async function sourceColumns(caller: Caller, sourceId: string | null | undefined) {
  if (!sourceId) return { result: null, columns: null, error: null };
  const result = await callApi<{ columns: Column[] }>(caller, `/sources/${encodeURIComponent(sourceId)}/columns`);
  if (result.ok) return { result, columns: result.data.columns, error: null };
  if (result.status === 401) throw apiFailure(caller, result);
  return { result, columns: null, error: result.error };
}
