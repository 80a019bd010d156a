import type { AppContext } from "../context";
import { notFound } from "../errors";
import type { IdPrefix } from "../ids";

/** A path id that is not even shaped like one of ours is simply not found, like any other unknown id. */
export function pathId(c: AppContext, prefix: IdPrefix, what: string, param = "id"): string {
  const id = c.req.param(param) ?? "";
  if (!new RegExp(`^${prefix}_[0-9a-z]{24}$`).test(id)) throw notFound(what);
  return id;
}
