import { Hono } from "hono";
import type { AppEnv } from "../context";
import { principalOf } from "../middleware/require";
import { describePlugins } from "../plugins/registry";

export const pluginRoutes = new Hono<AppEnv>().get("/", (c) => {
  principalOf(c);
  return c.json({ plugins: describePlugins() });
});
