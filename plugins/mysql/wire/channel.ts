import { connect } from "cloudflare:sockets";

/** A payload this long continues in the next packet. */
const MAX_PACKET_PAYLOAD = 0xffffff;

/** The connection broke or could not be made; the message names the address, never a credential. */
export class MysqlConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MysqlConnectionError";
  }
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Packets over one TCP socket: 3-byte length + sequence number framing, payloads split and joined
 * at 16 MiB, and the in-place upgrade to TLS that MySQL negotiates after its greeting.
 */
export class PacketChannel {
  /** The sequence number the next packet carries; each command starts again at 0. */
  private sequence = 0;
  private buffer = new Uint8Array(64 * 1024);
  private start = 0;
  private end = 0;
  private reader: ReadableStreamDefaultReader<Uint8Array>;
  private writer: WritableStreamDefaultWriter<Uint8Array>;

  private constructor(
    private socket: Socket,
    readonly address: string,
  ) {
    this.reader = socket.readable.getReader();
    this.writer = socket.writable.getWriter();
  }

  static async open(hostname: string, port: number, startTls: boolean): Promise<PacketChannel> {
    const address = `${hostname}:${port}`;
    let socket: Socket;
    try {
      socket = connect({ hostname, port }, { secureTransport: startTls ? "starttls" : "off", allowHalfOpen: false });
      await socket.opened;
    } catch (err) {
      throw new MysqlConnectionError(`Could not connect to ${address}: ${reason(err)}`);
    }
    return new PacketChannel(socket, address);
  }

  startCommand(): void {
    this.sequence = 0;
  }

  async read(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let length: number;
    do {
      await this.fill(4);
      const b = this.buffer;
      length = b[this.start]! | (b[this.start + 1]! << 8) | (b[this.start + 2]! << 16);
      this.sequence = (b[this.start + 3]! + 1) & 0xff;
      this.start += 4;
      await this.fill(length);
      parts.push(this.buffer.slice(this.start, this.start + length));
      this.start += length;
    } while (length === MAX_PACKET_PAYLOAD);
    return parts.length === 1 ? parts[0]! : concat(parts);
  }

  async write(payload: Uint8Array): Promise<void> {
    const frames: Uint8Array[] = [];
    let offset = 0;
    // A payload that fills its last packet exactly is closed by an empty one.
    for (;;) {
      const size = Math.min(MAX_PACKET_PAYLOAD, payload.length - offset);
      const frame = new Uint8Array(4 + size);
      frame[0] = size & 0xff;
      frame[1] = (size >> 8) & 0xff;
      frame[2] = (size >> 16) & 0xff;
      frame[3] = this.sequence;
      this.sequence = (this.sequence + 1) & 0xff;
      frame.set(payload.subarray(offset, offset + size), 4);
      frames.push(frame);
      offset += size;
      if (size < MAX_PACKET_PAYLOAD) break;
    }
    try {
      await this.writer.write(frames.length === 1 ? frames[0]! : concat(frames));
    } catch (err) {
      throw new MysqlConnectionError(`The connection to ${this.address} broke: ${reason(err)}`);
    }
  }

  /** Switches the socket to TLS; called after the SSL request packet, before any credential is sent. */
  async upgradeToTls(hostname: string): Promise<void> {
    this.reader.releaseLock();
    this.writer.releaseLock();
    try {
      this.socket = this.socket.startTls({ expectedServerHostname: hostname });
      await this.socket.opened;
    } catch (err) {
      throw new MysqlConnectionError(`TLS with ${this.address} failed: ${reason(err)}`);
    }
    this.reader = this.socket.readable.getReader();
    this.writer = this.socket.writable.getWriter();
  }

  close(): void {
    this.socket.close().catch(() => {
      // Closing an already broken socket has nothing left to report.
    });
  }

  private async fill(needed: number): Promise<void> {
    while (this.end - this.start < needed) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await this.reader.read();
      } catch (err) {
        throw new MysqlConnectionError(`The connection to ${this.address} broke: ${reason(err)}`);
      }
      if (chunk.done) throw new MysqlConnectionError(`The server at ${this.address} closed the connection`);
      this.append(chunk.value);
    }
  }

  private append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buffer.length) {
      const unread = this.end - this.start;
      if (unread + chunk.length <= this.buffer.length) {
        this.buffer.copyWithin(0, this.start, this.end);
      } else {
        const grown = new Uint8Array(Math.max(this.buffer.length * 2, unread + chunk.length));
        grown.set(this.buffer.subarray(this.start, this.end));
        this.buffer = grown;
      }
      this.start = 0;
      this.end = unread;
    }
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
