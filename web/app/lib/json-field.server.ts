/** A form field that carries JSON (options or placeholder values built in the browser); anything else reads as empty. */
export function jsonField(form: FormData, name: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(String(form.get(name) ?? "{}"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A form field that carries a JSON list (filters built in the browser); anything else reads as empty. */
export function jsonListField(form: FormData, name: string): unknown[] {
  try {
    const value: unknown = JSON.parse(String(form.get(name) ?? "[]"));
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}
