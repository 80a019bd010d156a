import { API_TOPICS } from "../../../worker/auth/scopes";

/** The topics an API key can be scoped to, as the API defines them. */
export const SCOPE_TOPICS = API_TOPICS;

export const ACCESS_LEVELS = ["none", "read", "write"] as const;

/** The picker's one choice per topic, as the API's scope list (`write` includes `read`). */
export function scopesFromForm(form: FormData): string[] {
  return SCOPE_TOPICS.flatMap((topic) => {
    const access = form.get(`scope:${topic}`);
    return access === "read" || access === "write" ? [`${access}:${topic}`] : [];
  });
}
