/** Edits turning one key into the other: inserting, deleting or changing a character, or swapping two side by side. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The Property key a data key was probably meant to be, when it is one or two edits away (or the
 * same but for case and separators): `frist_name` for `first_name`. Short keys are left alone, as
 * two edits turn most of them into something else.
 */
export function likelyMeant(key: string, propertyKeys: readonly string[]): string | null {
  const plain = (k: string) => k.toLowerCase().replace(/[-_\s]/g, "");
  const sameButForm = propertyKeys.find((p) => p !== key && plain(p) === plain(key));
  if (sameButForm) return sameButForm;
  if (key.length < 4) return null;
  const most = key.length < 8 ? 1 : 2;
  let best: { key: string; distance: number } | null = null;
  for (const p of propertyKeys) {
    if (Math.abs(p.length - key.length) > most) continue;
    const distance = editDistance(key, p);
    if (distance <= most && (!best || distance < best.distance)) best = { key: p, distance };
  }
  return best?.key ?? null;
}
