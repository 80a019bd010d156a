import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: ["./worker/db/schema.ts", "./worker/db/destinations-schema.ts", "./worker/db/events-schema.ts"],
  out: "./migrations",
});
