import { DELIMITERS, type Delimiter } from "./options";
import { sampleRecords } from "./sample";

interface Fit {
  delimiter: Delimiter;
  /** Whether the head parses without error: a wrong delimiter often leaves a closing quote misplaced. */
  clean: boolean;
  /** Share of rows that have the most common field count. */
  consistency: number;
  fields: number;
}

const better = (a: Fit, b: Fit) =>
  a.clean !== b.clean ? a.clean : a.consistency !== b.consistency ? a.consistency > b.consistency : a.fields > b.fields;

/**
 * The candidate that splits the head's rows most consistently into more than one field, ties going
 * to more fields and then to the more common delimiter. A file of one column splits on none, and
 * any delimiter reads it the same.
 */
export function detectDelimiter(head: Buffer, endsOnRow: boolean): Delimiter {
  let best: Fit | null = null;
  for (const delimiter of DELIMITERS) {
    const { records, error } = sampleRecords(head, delimiter, endsOnRow);
    const counts = records.map((r) => r.fields.length);
    const fields = mode(counts);
    if (fields < 2) continue;
    const fit = { delimiter, clean: !error, consistency: counts.filter((c) => c === fields).length / counts.length, fields };
    if (!best || better(fit, best)) best = fit;
  }
  return best?.delimiter ?? ",";
}

function mode(values: number[]): number {
  const tally = new Map<number, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [value, count] of tally) if (count > bestCount) [best, bestCount] = [value, count];
  return best;
}
