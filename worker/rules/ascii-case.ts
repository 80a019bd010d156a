/**
 * Lowercases A–Z only. SQLite's lower() (without ICU, as on D1) folds nothing else, so the
 * in-memory predicate folds exactly as much: "É" and "é" stay different in both, and a Record's
 * group membership never depends on which of the two evaluated it.
 */
export const foldAscii = (text: string) => text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
