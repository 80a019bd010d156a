import postgres from "postgres";
import { PluginError } from "../contract";

/** SQLSTATEs for a thing the statement names that is not there. */
const NOT_FOUND = new Set(["42P01", "42703", "3F000", "42883", "42704"]);

/**
 * SQLSTATEs a server answers with while a session is being set up or torn down: connection
 * trouble (08), bad credentials (28), unknown database (3D), shutting down (57P), too many
 * connections (53300).
 */
const CONNECTION = /^(08|28|3D|57P)|^53300$/;

/** The driver's own codes for a connection that never opened or went away. */
const DRIVER_CONNECTION: Record<string, string> = {
  CONNECT_TIMEOUT: "PostgreSQL did not finish opening the session in time",
  CONNECTION_CLOSED: "PostgreSQL closed the connection",
  CONNECTION_ENDED: "The connection to PostgreSQL was closed before the statement finished",
  CONNECTION_DESTROYED: "The connection to PostgreSQL was closed before the statement finished",
  SASL_SIGNATURE_MISMATCH: "The server's SCRAM signature did not match",
  AUTH_TYPE_NOT_IMPLEMENTED: "The server asked for an authentication method this client does not support",
};

/**
 * Never lets a secret through, even if some layer were to echo it. A short password is often part
 * of ordinary words ("x" in "exist"), so it is masked only where it stands alone; masking it inside
 * words would garble the database's message without hiding anything.
 */
export function scrub(message: string, secret: string | undefined) {
  if (!secret) return message;
  if (secret.length >= 8) return message.split(secret).join("********");
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return message.replace(new RegExp(`(?<![A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`, "g"), "********");
}

/** Turns whatever the driver or server threw into the plugin's refusal, keeping the database's own words. */
export function toPluginError(err: unknown, secret: string | undefined): unknown {
  if (err instanceof PluginError) return new PluginError(err.code, scrub(err.message, secret), err.details);
  if (err instanceof postgres.PostgresError) {
    const message = scrub(err.message, secret);
    const details = { sqlstate: err.code, ...(err.hint ? { hint: scrub(err.hint, secret) } : {}) };
    if (CONNECTION.test(err.code)) return new PluginError("connection_failed", message, details);
    return new PluginError(NOT_FOUND.has(err.code) ? "not_found" : "query_failed", message, details);
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code in DRIVER_CONNECTION) return new PluginError("connection_failed", DRIVER_CONNECTION[code]!);
  return err;
}
