/**
 * The little-endian field encodings of the MySQL client/server protocol, shared by MySQL and
 * MariaDB: fixed-width integers, length-encoded integers and strings, NUL-terminated strings.
 */

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export const utf8 = (bytes: Uint8Array) => decoder.decode(bytes);
export const utf8Bytes = (text: string) => encoder.encode(text);

export class MalformedPacket extends Error {
  constructor(what: string) {
    super(`The server sent a malformed packet (${what})`);
    this.name = "MalformedPacket";
  }
}

/** Reads one payload's fields front to back; reading past the end is a protocol error, not garbage. */
export class PayloadReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private take(n: number): number {
    if (n > this.remaining) throw new MalformedPacket(`wanted ${n} bytes, ${this.remaining} left`);
    const at = this.offset;
    this.offset += n;
    return at;
  }

  skip(n: number): void {
    this.take(n);
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }
  i8(): number {
    return this.view.getInt8(this.take(1));
  }
  u16(): number {
    return this.view.getUint16(this.take(2), true);
  }
  i16(): number {
    return this.view.getInt16(this.take(2), true);
  }
  u24(): number {
    const at = this.take(3);
    return this.bytes[at]! | (this.bytes[at + 1]! << 8) | (this.bytes[at + 2]! << 16);
  }
  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }
  i32(): number {
    return this.view.getInt32(this.take(4), true);
  }
  u64(): bigint {
    return this.view.getBigUint64(this.take(8), true);
  }
  i64(): bigint {
    return this.view.getBigInt64(this.take(8), true);
  }
  f32(): number {
    return this.view.getFloat32(this.take(4), true);
  }
  f64(): number {
    return this.view.getFloat64(this.take(8), true);
  }

  bytesOf(n: number): Uint8Array {
    const at = this.take(n);
    return this.bytes.subarray(at, at + n);
  }

  rest(): Uint8Array {
    return this.bytesOf(this.remaining);
  }

  /** A length-encoded integer; null for the 0xfb marker that stands for SQL NULL in text rows. */
  lenencInt(): number | null {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfb) return null;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) return this.u24();
    if (first === 0xfe) return Number(this.u64());
    throw new MalformedPacket("length prefix 0xff");
  }

  lenencBytes(): Uint8Array {
    const length = this.lenencInt();
    if (length === null) throw new MalformedPacket("NULL where a length was expected");
    return this.bytesOf(length);
  }

  lenencString(): string {
    return utf8(this.lenencBytes());
  }

  /** A NUL-terminated string; a missing terminator ends it at the payload's end (MariaDB omits some). */
  nulString(): string {
    const end = this.bytes.indexOf(0, this.offset);
    const stop = end === -1 ? this.bytes.length : end;
    const text = utf8(this.bytes.subarray(this.offset, stop));
    this.offset = end === -1 ? stop : stop + 1;
    return text;
  }
}

/** Builds one payload; grows as needed. */
export class PayloadWriter {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  private reserve(n: number): number {
    if (this.length + n > this.buffer.length) {
      const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
      next.set(this.buffer.subarray(0, this.length));
      this.buffer = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  u8(value: number): this {
    const at = this.reserve(1);
    this.view.setUint8(at, value);
    return this;
  }
  u16(value: number): this {
    const at = this.reserve(2);
    this.view.setUint16(at, value, true);
    return this;
  }
  u32(value: number): this {
    const at = this.reserve(4);
    this.view.setUint32(at, value >>> 0, true);
    return this;
  }
  i64(value: bigint): this {
    const at = this.reserve(8);
    this.view.setBigInt64(at, value, true);
    return this;
  }
  u64(value: bigint): this {
    const at = this.reserve(8);
    this.view.setBigUint64(at, value, true);
    return this;
  }
  f64(value: number): this {
    const at = this.reserve(8);
    this.view.setFloat64(at, value, true);
    return this;
  }
  zeros(n: number): this {
    this.reserve(n);
    return this;
  }
  bytes(value: Uint8Array): this {
    // Reserve first: growing replaces the buffer.
    const at = this.reserve(value.length);
    this.buffer.set(value, at);
    return this;
  }
  nulString(text: string): this {
    return this.bytes(utf8Bytes(text)).u8(0);
  }
  lenencInt(value: number): this {
    if (value < 0xfb) return this.u8(value);
    if (value <= 0xffff) return this.u8(0xfc).u16(value);
    if (value <= 0xffffff) return this.u8(0xfd).u8(value & 0xff).u16(value >>> 8);
    return this.u8(0xfe).u64(BigInt(value));
  }
  lenencBytes(value: Uint8Array): this {
    return this.lenencInt(value.length).bytes(value);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
