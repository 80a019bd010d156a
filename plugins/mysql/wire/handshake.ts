import { authProof, isSupportedAuthPlugin, SUPPORTED_AUTH_PLUGINS, type AuthPlugin } from "./auth";
import { PayloadReader, PayloadWriter, utf8Bytes } from "./bytes";
import { MysqlConnectionError, type PacketChannel } from "./channel";
import { isErr, isOk, serverError } from "./results";

/** Capability flags this client uses (Protocol::CapabilityFlags). */
const CLIENT = {
  LONG_PASSWORD: 0x1,
  LONG_FLAG: 0x4,
  CONNECT_WITH_DB: 0x8,
  PROTOCOL_41: 0x200,
  SSL: 0x800,
  TRANSACTIONS: 0x2000,
  SECURE_CONNECTION: 0x8000,
  PLUGIN_AUTH: 0x80000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
} as const;

const WANTED = CLIENT.LONG_PASSWORD | CLIENT.LONG_FLAG | CLIENT.PROTOCOL_41 | CLIENT.TRANSACTIONS | CLIENT.SECURE_CONNECTION | CLIENT.PLUGIN_AUTH | CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA;

/** utf8mb4_general_ci: known to every MySQL since 5.5 and every MariaDB, and covers all of Unicode. */
const UTF8MB4 = 45;
/** The largest packet this client accepts; big enough for any row a Source page holds. */
const MAX_PACKET_SIZE = 64 * 1024 * 1024;

/** caching_sha2_password's answers after the scramble proof (AuthMoreData). */
const FAST_AUTH_SUCCESS = 3;
const FULL_AUTH_REQUIRED = 4;

export interface SignIn {
  host: string;
  user: string;
  password: string;
  database: string;
  tls: boolean;
}

export interface ServerInfo {
  flavor: "MariaDB" | "MySQL";
  version: string;
}

interface Greeting {
  version: string;
  capabilities: number;
  scramble: Uint8Array;
  authPlugin: string;
}

function parseGreeting(payload: Uint8Array, address: string): Greeting {
  const r = new PayloadReader(payload);
  const protocol = r.u8();
  if (protocol !== 10) throw new MysqlConnectionError(`${address} did not answer like a MySQL or MariaDB server (protocol ${protocol})`);
  const version = r.nulString();
  r.u32(); // connection id
  const scramble = [r.bytesOf(8)];
  r.skip(1);
  let capabilities = r.u16();
  let authPlugin = "mysql_native_password";
  if (r.remaining > 0) {
    r.u8(); // server's default character set
    r.u16(); // status flags
    capabilities |= r.u16() << 16;
    const authDataLength = r.u8();
    r.skip(10);
    if (capabilities & CLIENT.SECURE_CONNECTION) scramble.push(r.bytesOf(Math.max(13, authDataLength - 8)));
    if (capabilities & CLIENT.PLUGIN_AUTH) authPlugin = r.nulString();
  }
  const joined = new Uint8Array([...scramble[0]!, ...(scramble[1] ?? [])]);
  return { version, capabilities, scramble: joined, authPlugin };
}

function serverInfo(version: string): ServerInfo {
  const mariadb = /mariadb/i.test(version);
  // MariaDB prefixes its version with "5.5.5-" for clients that compare versions.
  return { flavor: mariadb ? "MariaDB" : "MySQL", version: (mariadb ? version.replace(/^5\.5\.5-/, "") : version).replace(/-.*$/, "") };
}

/** Greeting → (TLS) → handshake response → authentication exchange, up to the server's OK. */
export async function handshake(channel: PacketChannel, signIn: SignIn): Promise<ServerInfo> {
  const first = await channel.read();
  if (isErr(first)) throw serverError(first);
  const greeting = parseGreeting(first, channel.address);
  const required = CLIENT.PROTOCOL_41 | CLIENT.SECURE_CONNECTION;
  if ((greeting.capabilities & required) !== required) {
    throw new MysqlConnectionError(`The server at ${channel.address} (${greeting.version}) is too old: it lacks the 4.1 protocol`);
  }
  let capabilities = (WANTED & greeting.capabilities) | CLIENT.CONNECT_WITH_DB;
  const header = (caps: number) => new PayloadWriter().u32(caps).u32(MAX_PACKET_SIZE).u8(UTF8MB4).zeros(23);

  if (signIn.tls) {
    if (!(greeting.capabilities & CLIENT.SSL)) {
      throw new MysqlConnectionError(`The server at ${channel.address} does not offer TLS, and this App requires it (ssl: require)`);
    }
    capabilities |= CLIENT.SSL;
    await channel.write(header(capabilities).finish());
    await channel.upgradeToTls(signIn.host);
  }

  // An unsupported default method is answered with mysql_native_password; the server then switches if the account needs another.
  const plugin: AuthPlugin = isSupportedAuthPlugin(greeting.authPlugin) ? greeting.authPlugin : "mysql_native_password";
  const proof = await authProof(plugin, signIn.password, greeting.scramble);
  const response = header(capabilities).nulString(signIn.user);
  if (capabilities & CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA) response.lenencBytes(proof);
  else response.u8(proof.length).bytes(proof);
  response.nulString(signIn.database);
  if (capabilities & CLIENT.PLUGIN_AUTH) response.nulString(plugin);
  await channel.write(response.finish());
  await authenticate(channel, signIn, plugin);
  return serverInfo(greeting.version);
}

async function authenticate(channel: PacketChannel, signIn: SignIn, initialPlugin: AuthPlugin): Promise<void> {
  let plugin = initialPlugin;
  for (;;) {
    const packet = await channel.read();
    if (isOk(packet)) return;
    if (isErr(packet)) throw serverError(packet);
    if (packet[0] === 0xfe) {
      // Auth switch: the account uses another method; answer its fresh scramble.
      const r = new PayloadReader(packet);
      r.skip(1);
      const requested = r.nulString();
      if (!isSupportedAuthPlugin(requested)) {
        throw new MysqlConnectionError(`The account uses the "${requested}" sign-in method; this connection supports ${SUPPORTED_AUTH_PLUGINS.join(" and ")}`);
      }
      plugin = requested;
      await channel.write(await authProof(plugin, signIn.password, r.rest()));
      continue;
    }
    if (packet[0] === 0x01 && plugin === "caching_sha2_password") {
      if (packet[1] === FAST_AUTH_SUCCESS) continue;
      if (packet[1] === FULL_AUTH_REQUIRED) {
        // The full exchange sends the password itself, which is only acceptable inside TLS.
        if (!signIn.tls) {
          throw new MysqlConnectionError(
            `The server at ${channel.address} wants the full caching_sha2_password exchange, which sends the password itself; use ssl: require`,
          );
        }
        await channel.write(utf8Bytes(`${signIn.password}\0`));
        continue;
      }
    }
    throw new MysqlConnectionError(`The server at ${channel.address} sent an unexpected reply while signing in`);
  }
}
