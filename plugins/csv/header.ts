import { badFile } from "./errors";
import { kindOf } from "./values";

const isLabel = (value: string) => value.trim() !== "" && kindOf(value) === "text";

/**
 * Whether the first row names the columns: all of its cells are distinct, non-empty text, and
 * either some column below it holds numbers or dates, or none of its names recurs in its column
 * (data repeats itself, names do not). A file of only text is read with a header: that is how
 * almost every export looks, and the Source's `header` option overrides a wrong guess.
 */
export function looksLikeHeader(first: string[], rest: string[][]): boolean {
  const names = first.map((v) => v.trim());
  if (!first.every(isLabel) || new Set(names).size !== names.length) return false;
  if (!rest.length) return true;
  const columnHoldsData = (i: number) => {
    const values = rest.map((row) => row[i] ?? "").filter((v) => v.trim() !== "");
    return values.length > 0 && values.filter((v) => !isLabel(v)).length * 2 > values.length;
  };
  if (names.some((_, i) => columnHoldsData(i))) return true;
  return names.every((name, i) => rest.every((row) => (row[i] ?? "").trim() !== name));
}

/** Column names from a header row; a blank or repeated name would make rows ambiguous. */
export function headerNames(first: string[]): string[] {
  const names = first.map((v) => v.trim());
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (!name) throw badFile(`Column ${i + 1} of the header has no name; name it, or set the Source's header option to "no"`, { column: i + 1 });
    if (seen.has(name)) throw badFile(`The header names "${name}" twice; column names must be unique`, { column: i + 1 });
    seen.add(name);
  });
  return names;
}

export const positionalNames = (width: number) => Array.from({ length: width }, (_, i) => `column_${i + 1}`);
