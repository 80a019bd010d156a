import { callApi, loadFromApi, type Caller } from "./api.server";
import type { SessionView } from "./types";

export const requireSession = (caller: Caller) => loadFromApi<SessionView>(caller, "/auth/session");

/** The session when there is one; a failed answer (not logged in) is not an error here. */
export const optionalSession = (caller: Caller) => callApi<SessionView>(caller, "/auth/session");
