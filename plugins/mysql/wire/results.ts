import { PayloadReader, utf8 } from "./bytes";

/** A refusal the server sent as an ERR packet: its error number, SQLSTATE and its own words. */
export class MysqlServerError extends Error {
  constructor(
    readonly errno: number,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
    this.name = "MysqlServerError";
  }
}

export const isErr = (payload: Uint8Array) => payload[0] === 0xff;
export const isOk = (payload: Uint8Array) => payload[0] === 0x00;
/** EOF packets start with 0xfe and are short; a row can only start with 0xfe when it is huge. */
export const isEof = (payload: Uint8Array) => payload[0] === 0xfe && payload.length < 9;

export function serverError(payload: Uint8Array): MysqlServerError {
  const r = new PayloadReader(payload);
  r.skip(1);
  const errno = r.u16();
  let sqlState = "HY000";
  if (r.remaining > 0 && r.bytes[3] === 0x23 /* '#' */) {
    r.skip(1);
    sqlState = utf8(r.bytesOf(5));
  }
  return new MysqlServerError(errno, sqlState, utf8(r.rest()));
}

/** Column type codes of the protocol (the `type` byte of a column definition). */
export const T = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;

const UNSIGNED_FLAG = 0x20;
const BINARY_CHARSET = 63;

export interface ResultColumn {
  name: string;
  type: number;
  flags: number;
  charset: number;
  /** Fractional-second digits for time types, scale for decimals. */
  decimals: number;
}

export function columnDefinition(payload: Uint8Array): ResultColumn {
  const r = new PayloadReader(payload);
  for (let i = 0; i < 4; i++) r.lenencBytes(); // catalog, schema, table, original table
  const name = r.lenencString();
  r.lenencBytes(); // original name
  r.lenencInt(); // length of the fixed fields
  const charset = r.u16();
  r.u32(); // display length
  const type = r.u8();
  const flags = r.u16();
  const decimals = r.u8();
  return { name, type, flags, charset, decimals };
}

const TYPE_NAMES: Record<number, string> = {
  [T.DECIMAL]: "decimal",
  [T.NEWDECIMAL]: "decimal",
  [T.TINY]: "tinyint",
  [T.SHORT]: "smallint",
  [T.INT24]: "mediumint",
  [T.LONG]: "int",
  [T.LONGLONG]: "bigint",
  [T.FLOAT]: "float",
  [T.DOUBLE]: "double",
  [T.NULL]: "null",
  [T.TIMESTAMP]: "timestamp",
  [T.DATE]: "date",
  [T.NEWDATE]: "date",
  [T.TIME]: "time",
  [T.DATETIME]: "datetime",
  [T.YEAR]: "year",
  [T.BIT]: "bit",
  [T.JSON]: "json",
  [T.ENUM]: "enum",
  [T.SET]: "set",
  [T.GEOMETRY]: "geometry",
};

const SIGNABLE = new Set<number>([T.TINY, T.SHORT, T.INT24, T.LONG, T.LONGLONG, T.FLOAT, T.DOUBLE, T.DECIMAL, T.NEWDECIMAL]);

/** The column's type the way a person reads it in MySQL, e.g. `decimal`, `datetime`, `varchar`, `varbinary`. */
export function typeName(column: ResultColumn): string {
  const known = TYPE_NAMES[column.type];
  if (known) return column.flags & UNSIGNED_FLAG && SIGNABLE.has(column.type) ? `${known} unsigned` : known;
  const binary = column.charset === BINARY_CHARSET;
  if (column.type === T.STRING) return binary ? "binary" : "char";
  if (column.type === T.VAR_STRING || column.type === T.VARCHAR) return binary ? "varbinary" : "varchar";
  return binary ? "blob" : "text";
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const MAX_FRACTION_DIGITS = 6;

/** Fractional-second digits to print: at least milliseconds, like Date#toISOString, and all the column has. */
const fractionDigits = (decimals: number) => Math.min(MAX_FRACTION_DIGITS, Math.max(3, decimals));

function fraction(micros: number, digits: number): string {
  return pad(micros, 6).slice(0, digits);
}

/** DATETIME and TIMESTAMP hold UTC here (the session's time zone is UTC), so they read as ISO-8601 UTC; zero dates have no instant. */
function dateTime(r: PayloadReader, decimals: number): string | null {
  const length = r.u8();
  if (length === 0) return null;
  const year = r.u16();
  const month = r.u8();
  const day = r.u8();
  const [hour, minute, second] = length >= 7 ? [r.u8(), r.u8(), r.u8()] : [0, 0, 0];
  const micros = length >= 11 ? r.u32() : 0;
  if (year === 0 || month === 0 || day === 0) return null;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}.${fraction(micros, fractionDigits(decimals))}Z`;
}

/** A calendar date has no time zone, so it stays `YYYY-MM-DD`. */
function date(r: PayloadReader): string | null {
  const length = r.u8();
  if (length === 0) return null;
  const year = r.u16();
  const month = r.u8();
  const day = r.u8();
  r.skip(length - 4);
  if (year === 0 || month === 0 || day === 0) return null;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** TIME is a duration (it can be negative or exceed 24 hours), so it stays `[-]HH:MM:SS[.ffffff]`. */
function time(r: PayloadReader, decimals: number): string {
  const length = r.u8();
  if (length === 0) return "00:00:00";
  const negative = r.u8() === 1;
  const hours = r.u32() * 24 + r.u8();
  const minute = r.u8();
  const second = r.u8();
  const micros = length >= 12 ? r.u32() : 0;
  const digits = Math.min(MAX_FRACTION_DIGITS, decimals);
  return `${negative ? "-" : ""}${pad(hours)}:${pad(minute)}:${pad(second)}${digits > 0 ? `.${fraction(micros, digits)}` : ""}`;
}

/** Whole numbers as JS numbers while exact, else as their decimal text. */
const integer = (value: bigint): number | string => (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString());

const hex = (bytes: Uint8Array) => `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;

function bits(bytes: Uint8Array): number | string {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return integer(value);
}

function binaryValue(r: PayloadReader, column: ResultColumn): unknown {
  const unsigned = (column.flags & UNSIGNED_FLAG) !== 0;
  switch (column.type) {
    case T.TINY:
      return unsigned ? r.u8() : r.i8();
    case T.SHORT:
    case T.YEAR:
      return unsigned || column.type === T.YEAR ? r.u16() : r.i16();
    case T.LONG:
    case T.INT24:
      return unsigned ? r.u32() : r.i32();
    case T.LONGLONG:
      return integer(unsigned ? r.u64() : r.i64());
    case T.FLOAT:
      // A FLOAT holds about 7 significant digits; more would print the binary rounding noise.
      return Number(r.f32().toPrecision(7));
    case T.DOUBLE:
      return r.f64();
    case T.NULL:
      return null;
    case T.DATETIME:
    case T.TIMESTAMP:
      return dateTime(r, column.decimals);
    case T.DATE:
    case T.NEWDATE:
      return date(r);
    case T.TIME:
      return time(r, column.decimals);
    case T.BIT:
      return bits(r.lenencBytes());
    case T.DECIMAL:
    case T.NEWDECIMAL:
    case T.JSON:
      return utf8(r.lenencBytes());
    default: {
      const bytes = r.lenencBytes();
      // Binary strings (BINARY, VARBINARY, BLOB, GEOMETRY) are bytes, not text: hex keeps them exact and comparable.
      return column.charset === BINARY_CHARSET ? hex(bytes) : utf8(bytes);
    }
  }
}

export type Row = Record<string, unknown>;

/** One row of the binary protocol (prepared statements): a 0x00 header, a NULL bitmap offset by 2 bits, then the values. */
export function binaryRow(payload: Uint8Array, columns: ResultColumn[]): Row {
  const r = new PayloadReader(payload);
  r.skip(1);
  const nulls = r.bytesOf((columns.length + 7 + 2) >> 3);
  const row: Row = {};
  columns.forEach((column, i) => {
    const bit = i + 2;
    row[column.name] = nulls[bit >> 3]! & (1 << (bit & 7)) ? null : binaryValue(r, column);
  });
  return row;
}
