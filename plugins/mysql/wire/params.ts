import { PayloadWriter, utf8Bytes } from "./bytes";
import { T } from "./results";

/** A value bound to a `?` of a prepared statement: sent apart from the SQL text, never spliced into it. */
export type Param = string | number | bigint | null;

const COM_STMT_EXECUTE = 0x17;
const UNSIGNED = 0x80;
const I64_MAX = 2n ** 63n - 1n;

function typeOf(value: Param): [type: number, flags: number] {
  if (value === null) return [T.NULL, 0];
  if (typeof value === "string") return [T.VAR_STRING, 0];
  if (typeof value === "bigint") return [T.LONGLONG, value > I64_MAX ? UNSIGNED : 0];
  return Number.isSafeInteger(value) ? [T.LONGLONG, 0] : [T.DOUBLE, 0];
}

function writeValue(w: PayloadWriter, value: Param): void {
  if (value === null) return;
  if (typeof value === "string") w.lenencBytes(utf8Bytes(value));
  else if (typeof value === "bigint" && value > I64_MAX) w.u64(value);
  else if (typeof value === "bigint") w.i64(value);
  else if (Number.isSafeInteger(value)) w.i64(BigInt(value));
  else w.f64(value);
}

/** COM_STMT_EXECUTE with every parameter's type and value (binary protocol). */
export function executePacket(statementId: number, params: readonly Param[]): Uint8Array {
  const w = new PayloadWriter().u8(COM_STMT_EXECUTE).u32(statementId).u8(0 /* no cursor */).u32(1 /* iteration count */);
  if (params.length) {
    const nulls = new Uint8Array((params.length + 7) >> 3);
    params.forEach((value, i) => {
      if (value === null) nulls[i >> 3]! |= 1 << (i & 7);
    });
    w.bytes(nulls).u8(1 /* types follow */);
    for (const value of params) {
      const [type, flags] = typeOf(value);
      w.u8(type).u8(flags);
    }
    for (const value of params) writeValue(w, value);
  }
  return w.finish();
}
