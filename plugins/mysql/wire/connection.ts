import { PayloadReader, PayloadWriter, utf8Bytes } from "./bytes";
import { MysqlConnectionError, PacketChannel } from "./channel";
import { handshake, type ServerInfo, type SignIn } from "./handshake";
import { executePacket, type Param } from "./params";
import { binaryRow, columnDefinition, isEof, isErr, isOk, serverError, type ResultColumn, type Row } from "./results";

const COM_QUIT = 0x01;
const COM_QUERY = 0x03;
const COM_STMT_PREPARE = 0x16;
const COM_STMT_CLOSE = 0x19;

export interface ConnectOptions extends SignIn {
  port: number;
  /** How long the TCP connection, TLS and sign-in may take together. */
  timeoutMs: number;
}

export interface ResultSet {
  columns: ResultColumn[];
  rows: Row[];
}

/**
 * One MySQL/MariaDB connection speaking the client/server protocol directly over
 * `cloudflare:sockets`: plain statements as COM_QUERY, statements with values as server-side
 * prepared statements, so a value is always bound and never becomes SQL text. Commands run one
 * at a time; callers await each before the next.
 */
export class MysqlConnection {
  private constructor(
    private readonly channel: PacketChannel,
    readonly server: ServerInfo,
  ) {}

  static async connect(options: ConnectOptions): Promise<MysqlConnection> {
    let channel: PacketChannel | undefined;
    const attempt = (async () => {
      channel = await PacketChannel.open(options.host, options.port, options.tls);
      return new MysqlConnection(channel, await handshake(channel, options));
    })();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new MysqlConnectionError(`Could not connect to ${options.host}:${options.port} within ${Math.round(options.timeoutMs / 1000)} s`)),
        options.timeoutMs,
      );
    });
    try {
      return await Promise.race([attempt, deadline]);
    } catch (err) {
      channel?.close();
      // A connection that opens after the deadline is closed as soon as it does.
      attempt.then((late) => late.destroy(), () => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A statement that returns no rows (SET, START TRANSACTION). */
  async command(sql: string): Promise<void> {
    this.channel.startCommand();
    await this.channel.write(new PayloadWriter().u8(COM_QUERY).bytes(utf8Bytes(sql)).finish());
    const reply = await this.channel.read();
    if (isErr(reply)) throw serverError(reply);
    if (!isOk(reply)) throw new MysqlConnectionError(`The server at ${this.channel.address} answered a statement without rows with rows`);
  }

  /** Prepares, executes with `params` bound to its `?`s, and releases one statement. */
  async execute(sql: string, params: readonly Param[] = []): Promise<ResultSet> {
    const statement = await this.prepare(sql);
    try {
      if (statement.paramCount !== params.length) throw new Error(`The statement has ${statement.paramCount} parameters but ${params.length} values were given`);
      this.channel.startCommand();
      await this.channel.write(executePacket(statement.id, params));
      return await this.readResultSet();
    } finally {
      this.channel.startCommand();
      // COM_STMT_CLOSE has no reply; if the connection broke, the statement's own error already says so.
      await this.channel.write(new PayloadWriter().u8(COM_STMT_CLOSE).u32(statement.id).finish()).catch(() => undefined);
    }
  }

  /** Says goodbye and closes the socket; never throws, the work is already done. */
  async close(): Promise<void> {
    this.channel.startCommand();
    await this.channel.write(new Uint8Array([COM_QUIT])).catch(() => undefined);
    this.channel.close();
  }

  destroy(): void {
    this.channel.close();
  }

  private async prepare(sql: string): Promise<{ id: number; paramCount: number }> {
    this.channel.startCommand();
    await this.channel.write(new PayloadWriter().u8(COM_STMT_PREPARE).bytes(utf8Bytes(sql)).finish());
    const reply = await this.channel.read();
    if (isErr(reply)) throw serverError(reply);
    if (!isOk(reply)) throw new MysqlConnectionError(`The server at ${this.channel.address} sent an unexpected reply to a prepared statement`);
    const r = new PayloadReader(reply);
    r.skip(1);
    const id = r.u32();
    const columnCount = r.u16();
    const paramCount = r.u16();
    // The definitions are sent again with the result, where they are read.
    if (paramCount > 0) await this.skipDefinitions(paramCount);
    if (columnCount > 0) await this.skipDefinitions(columnCount);
    return { id, paramCount };
  }

  private async skipDefinitions(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await this.channel.read();
    await this.expectEof();
  }

  private async expectEof(): Promise<void> {
    const packet = await this.channel.read();
    if (!isEof(packet)) throw new MysqlConnectionError(`The server at ${this.channel.address} sent an unexpected packet in a result`);
  }

  private async readResultSet(): Promise<ResultSet> {
    const first = await this.channel.read();
    if (isErr(first)) throw serverError(first);
    if (isOk(first)) return { columns: [], rows: [] };
    const count = new PayloadReader(first).lenencInt() ?? 0;
    const columns: ResultColumn[] = [];
    for (let i = 0; i < count; i++) columns.push(columnDefinition(await this.channel.read()));
    await this.expectEof();
    const rows: Row[] = [];
    for (;;) {
      const packet = await this.channel.read();
      if (isEof(packet)) return { columns, rows };
      // A statement can fail after its first rows, e.g. when it runs out of time.
      if (isErr(packet)) throw serverError(packet);
      rows.push(binaryRow(packet, columns));
    }
  }
}
