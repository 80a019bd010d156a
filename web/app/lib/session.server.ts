import { callApi, loadFromApi, type Caller } from "./api.server";
import type { SessionView } from "./types";

export const requireSession = (caller: Caller) => loadFromApi<SessionView>(caller, "/auth/session");

export async function optionalSession(caller: Caller): Promise<SessionView | null> {
  const result = await callApi<SessionView>(caller, "/auth/session");
  return result.ok ? result.data : null;
}
