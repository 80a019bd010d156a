import { log } from "../log";

/**
 * A database call slower than this is logged with its SQL. D1 runs one statement at a time, so one
 * slow statement holds up every request behind it; the log names it instead of leaving people to
 * guess from slow pages.
 */
export const SLOW_CALL_MS = 1_000;

type Report = (sql: string, ms: number, sqlMs: number | undefined) => void;

const reportSlow: Report = (sql, ms, sqlMs) => {
  if (ms < SLOW_CALL_MS) return;
  log("warn", "slow database call", { ms, sqlMs, sql: sql.replace(/\s+/g, " ").slice(0, 200) });
};

const TIMED = new Set<PropertyKey>(["first", "run", "all", "raw"]);
/** Each wrapped statement's original, which D1's batch needs, and its SQL. */
const originals = new WeakMap<object, { statement: D1PreparedStatement; sql: string }>();

const durationOf = (result: unknown) => (result && typeof result === "object" && "meta" in result ? (result as D1Result).meta?.duration : undefined);

function timedStatement(statement: D1PreparedStatement, sql: string, report: Report): D1PreparedStatement {
  const wrapped = new Proxy(statement, {
    get(target, prop) {
      if (prop === "bind") return (...values: unknown[]) => timedStatement(target.bind(...values), sql, report);
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      if (!TIMED.has(prop)) return value.bind(target);
      return async (...args: unknown[]) => {
        const start = Date.now();
        const result: unknown = await value.apply(target, args);
        report(sql, Date.now() - start, durationOf(result));
        return result;
      };
    },
  });
  originals.set(wrapped, { statement, sql });
  return wrapped;
}

/**
 * The database with every call timed: statements and batches that take longer than SLOW_CALL_MS
 * (waiting included) are logged with their SQL and the time D1 says the SQL itself took.
 */
export function timedDatabase(db: D1Database, report: Report = reportSlow): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => timedStatement(target.prepare(sql), sql, report);
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const known = statements.map((s) => originals.get(s) ?? { statement: s, sql: "" });
          const start = Date.now();
          const results = await target.batch(known.map((k) => k.statement));
          // The slowest statement is the one worth naming; D1 times each one in a batch.
          const durations = results.map((r) => r.meta?.duration ?? 0);
          const slowest = durations.indexOf(Math.max(...durations));
          report(`batch of ${statements.length}, slowest: ${known[slowest]?.sql ?? ""}`, Date.now() - start, durations[slowest]);
          return results;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The bindings with the database timed, for one request, queue batch or scheduled event. */
export const withTimedDatabase = <E extends { DB: D1Database }>(env: E): E => ({ ...env, DB: timedDatabase(env.DB) });
