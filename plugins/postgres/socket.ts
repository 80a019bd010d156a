import { connect } from "cloudflare:sockets";
import { Buffer } from "node:buffer";
import { EventEmitter } from "node:events";
import { PluginError } from "../contract";

/**
 * A TCP stream for the driver, over `cloudflare:sockets`. The driver's own Workers shim re-emits
 * read errors after the connection has closed, which surface as unhandled rejections on every
 * ordinary disconnect; this one falls silent once closed. It also negotiates SSL itself, so the
 * driver always sees a plain stream and the connect deadline covers TCP and TLS alike.
 */

type Socket = ReturnType<typeof connect>;

export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
  timeoutMs: number;
  signal: AbortSignal;
}

/** SSLRequest: message length 8, then the request code 80877103. */
const SSL_REQUEST = new Uint8Array([0, 0, 0, 8, 4, 210, 22, 47]);
const SSL_ACCEPTED = 0x53; // "S"

class DriverSocket extends EventEmitter {
  readyState: "open" | "closed" = "open";
  readonly #socket: Socket;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #where: string;

  constructor(socket: Socket, where: string) {
    super();
    this.#socket = socket;
    this.#where = where;
    this.#writer = socket.writable.getWriter();
    void this.#pump(socket.readable.getReader());
  }

  /** Always accepts more: the writer queues, so the driver never needs to wait for "drain". */
  write(data: Uint8Array, done?: () => void): boolean {
    this.#writer.write(data).then(() => done?.(), (err: unknown) => this.#fail(err));
    return true;
  }

  end(data?: Uint8Array): void {
    if (data) this.write(data, () => this.destroy());
    else this.destroy();
  }

  destroy(): void {
    this.#close(false);
  }

  async #pump(reader: ReadableStreamDefaultReader<Uint8Array>) {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.emit("data", Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      }
      this.#close(false);
    } catch (err) {
      this.#fail(err);
    }
  }

  #fail(err: unknown) {
    if (this.readyState === "closed") return;
    if (this.listenerCount("error")) this.emit("error", lost(this.#where, err));
    this.#close(true);
  }

  #close(hadError: boolean) {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    this.#socket.close().catch(() => {});
    this.emit("close", hadError);
  }
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));
const lost = (where: string, err: unknown) => new PluginError("connection_failed", `The connection to ${where} failed: ${reason(err)}`);

/** Settles with `promise`, or fails once the deadline passes or the call is cancelled. */
async function before<T>(promise: Promise<T>, endpoint: Endpoint, where: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PluginError("connection_failed", `Could not connect to ${where} within ${endpoint.timeoutMs / 1000} s`)), endpoint.timeoutMs);
    onAbort = () => reject(new PluginError("connection_failed", `Connecting to ${where} was cancelled`));
    endpoint.signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, stop]);
  } finally {
    clearTimeout(timer);
    endpoint.signal.removeEventListener("abort", onAbort!);
  }
}

async function requestTls(socket: Socket, where: string) {
  const writer = socket.writable.getWriter();
  await writer.write(SSL_REQUEST);
  writer.releaseLock();
  const reader = socket.readable.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  if (value?.[0] !== SSL_ACCEPTED) {
    throw new PluginError("connection_failed", `${where} does not accept SSL connections; set ssl to "disable" to connect without it`);
  }
}

export async function openSocket(endpoint: Endpoint): Promise<DriverSocket> {
  const where = `${endpoint.host}:${endpoint.port}`;
  if (endpoint.signal.aborted) throw new PluginError("connection_failed", `Connecting to ${where} was cancelled`);
  const step = <T>(promise: Promise<T>, failure: string) =>
    before(promise, endpoint, where).catch((err: unknown) => {
      throw err instanceof PluginError ? err : new PluginError("connection_failed", `${failure}: ${reason(err)}`);
    });
  const plain = connect({ hostname: endpoint.host, port: endpoint.port }, { secureTransport: endpoint.tls ? "starttls" : "off", allowHalfOpen: false });
  plain.closed.catch(() => {});
  let open = plain;
  try {
    await step(plain.opened, `Could not connect to ${where}`);
    if (endpoint.tls) {
      await step(requestTls(plain, where), `Could not start SSL with ${where}`);
      open = plain.startTls({ expectedServerHostname: endpoint.host });
      open.closed.catch(() => {});
      await step(open.opened, `The SSL handshake with ${where} failed`);
    }
    return new DriverSocket(open, where);
  } catch (err) {
    open.close().catch(() => {});
    throw err;
  }
}
