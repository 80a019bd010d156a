import { PluginError } from "../contract";
import { MalformedPacket } from "./wire/bytes";
import { MysqlConnectionError } from "./wire/channel";
import { MysqlServerError } from "./wire/results";

/** Server error numbers that mean "that thing is not there". */
const NOT_FOUND = new Set([
  1049, // unknown database
  1051, // unknown table
  1054, // unknown column
  1109, // unknown table in a multi-table statement
  1146, // table does not exist
  1305, // function or procedure does not exist
]);

/** Server error numbers that mean the sign-in itself was refused. */
const SIGN_IN_REFUSED = new Set([
  1040, // too many connections
  1044, // no access to the database
  1045, // wrong user or password
  1129, // host blocked after connection errors
  1130, // host not allowed
  1203, // user over max_user_connections
  1226, // user over a resource limit
  1251, // client cannot do the account's authentication method
  1820, // password must be changed first
  1862, // password expired
  4151, // account locked
]);

/**
 * A plugin error carrying the server's own words, so the person sees what MySQL said (never a
 * credential: servers do not repeat passwords, and connection messages name only the address).
 */
export function toPluginError(err: unknown): unknown {
  if (err instanceof PluginError) return err;
  if (err instanceof MysqlServerError) {
    const code = NOT_FOUND.has(err.errno) ? "not_found" : SIGN_IN_REFUSED.has(err.errno) ? "connection_failed" : "query_failed";
    return new PluginError(code, err.message, { errno: err.errno, sqlState: err.sqlState });
  }
  if (err instanceof MysqlConnectionError || err instanceof MalformedPacket) return new PluginError("connection_failed", err.message);
  return err;
}
