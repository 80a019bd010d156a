import { describe, expect, it } from "vitest";
import { coerce } from "../../worker/properties/coerce";
import type { PropertyType } from "../../worker/properties/types";

const ok = (type: PropertyType, raw: unknown) => {
  const result = coerce(type, raw);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to coerce to ${type}: ${result.reason}`);
  return result.value;
};
const reason = (type: PropertyType, raw: unknown) => {
  const result = coerce(type, raw);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be refused as ${type}, got ${result.value}`);
  return result.reason;
};

describe("type coercion", () => {
  it("keeps missing values missing, for every type", () => {
    for (const type of ["string", "integer", "float", "boolean", "date", "email", "phone", "url"] as const) {
      expect(ok(type, null)).toBeNull();
      expect(ok(type, undefined)).toBeNull();
    }
    expect(ok("integer", "  ")).toBeNull();
    expect(ok("string", "")).toBe("");
  });

  it("dates become ISO-8601 in UTC", () => {
    expect(ok("date", "2024-03-05")).toBe("2024-03-05T00:00:00.000Z");
    expect(ok("date", "2024-03-05 14:30:00")).toBe("2024-03-05T14:30:00.000Z");
    expect(ok("date", "2024-03-05T14:30:00+02:00")).toBe("2024-03-05T12:30:00.000Z");
    expect(ok("date", "2024-03-05 14:30:00.25-05")).toBe("2024-03-05T19:30:00.250Z");
    expect(ok("date", new Date(Date.UTC(2020, 0, 1)))).toBe("2020-01-01T00:00:00.000Z");
    expect(ok("date", 1700000000)).toBe("2023-11-14T22:13:20.000Z");
    expect(ok("date", 1700000000000)).toBe("2023-11-14T22:13:20.000Z");
    expect(ok("date", "1700000000")).toBe("2023-11-14T22:13:20.000Z");
    expect(reason("date", "next tuesday")).toMatch(/not a date/);
    expect(reason("date", "2024-13-45")).toMatch(/not a date/);
  });

  it("emails are trimmed, lower-cased and validated", () => {
    expect(ok("email", "  Ada.Lovelace@Example.COM ")).toBe("ada.lovelace@example.com");
    expect(reason("email", "ada@localhost")).toMatch(/not an email/);
    expect(reason("email", "not an email")).toMatch(/not an email/);
    expect(reason("email", "a@b@c.com")).toMatch(/not an email/);
  });

  it("phone numbers are normalized to digits, international ones with +", () => {
    expect(ok("phone", "+1 (415) 555-0100")).toBe("+14155550100");
    expect(ok("phone", "0044 20 7946 0958")).toBe("+442079460958");
    expect(ok("phone", "030 1234567")).toBe("0301234567");
    expect(reason("phone", "12345")).toMatch(/7 to 15/);
    expect(reason("phone", "call me")).toMatch(/not a phone/);
    expect(reason("phone", "1+2345678")).toMatch(/not a phone/);
  });

  it("booleans accept the common spellings", () => {
    for (const t of [true, "true", "TRUE", "t", "yes", "Y", "1", 1, "on"]) expect(ok("boolean", t)).toBe("true");
    for (const f of [false, "false", "f", "No", "n", "0", 0, "off"]) expect(ok("boolean", f)).toBe("false");
    expect(reason("boolean", "maybe")).toMatch(/yes\/no/);
  });

  it("integers and floats", () => {
    expect(ok("integer", "42")).toBe("42");
    expect(ok("integer", 42)).toBe("42");
    expect(ok("integer", "1_000")).toBe("1000");
    expect(ok("integer", "4.0")).toBe("4");
    expect(ok("integer", "1e3")).toBe("1000");
    expect(reason("integer", "4.5")).toMatch(/whole number/);
    expect(reason("integer", "9007199254740993")).toMatch(/too large/);
    expect(reason("integer", "forty")).toMatch(/not a number/);
    expect(ok("float", "3.25")).toBe("3.25");
    expect(ok("float", "-0.5")).toBe("-0.5");
    expect(reason("float", "NaN")).toMatch(/not a number/);
    expect(reason("float", "1e400")).toMatch(/out of range/);
  });

  it("urls need http(s) and a domain", () => {
    expect(ok("url", "Example.com/path")).toBe("https://example.com/path");
    expect(ok("url", "http://shop.example.org/a?b=1")).toBe("http://shop.example.org/a?b=1");
    expect(reason("url", "ftp://example.com")).toMatch(/http/);
    expect(reason("url", "just words")).toMatch(/not a URL|no domain/);
  });

  it("strings keep their text, up to a limit", () => {
    expect(ok("string", "  Ada ")).toBe("  Ada ");
    expect(ok("string", 12)).toBe("12");
    expect(reason("string", "x".repeat(10_001))).toMatch(/at most/);
  });
});
