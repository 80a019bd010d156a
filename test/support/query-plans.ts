import { env } from "cloudflare:workers";

/** env.DB, but every statement prepared through it is also noted in `statements`: to count queries and read their plans. */
export function recordingD1(statements: string[]): D1Database {
  return new Proxy(env.DB, {
    get(target, name) {
      if (name === "prepare") {
        return (sql: string) => {
          statements.push(sql);
          return target.prepare(sql);
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** SQLite's query plan for a statement, one step a line; parameters are bound as null, which does not change the plan's shape. */
export async function planOf(sql: string): Promise<string> {
  // Numbered parameters (?1, ?2) count once each; a plain ? takes the next number after the highest seen.
  const numbered = [...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1]));
  const plain = (sql.match(/\?(?!\d)/g) ?? []).length;
  const params = Array.from({ length: Math.max(0, ...numbered) + plain }, () => null);
  const rows = (await env.DB.prepare(`explain query plan ${sql}`).bind(...params).all<{ detail: string }>()).results;
  return rows.map((r) => r.detail).join("\n");
}
