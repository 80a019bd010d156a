/** Splits a list into pieces of at most `size`, e.g. to stay under D1's 100 bound parameters per statement. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const pieces: T[][] = [];
  for (let i = 0; i < items.length; i += size) pieces.push(items.slice(i, i + size));
  return pieces;
}
