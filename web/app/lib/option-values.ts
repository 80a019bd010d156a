import type { OptionSpec, Options } from "./models";

/** Options as a form holds them: each value as the text of its input. */
export type OptionValues = Record<string, string>;

/** Form fields carry a prefix so options can never collide with the form's own fields (name, role, ...). */
export const optionField = (key: string) => `option.${key}`;

/** What each input starts with: the saved value, else the option's default. Secrets always start empty. */
export function initialOptionValues(specs: OptionSpec[], saved?: Options): OptionValues {
  return Object.fromEntries(
    specs.map((spec) => {
      const value = spec.secret ? undefined : saved ? saved[spec.key] : spec.default;
      return [spec.key, value === undefined || value === null ? "" : String(value)];
    }),
  );
}

export function optionValuesFromForm(form: FormData, specs: OptionSpec[]): OptionValues {
  return Object.fromEntries(specs.map((spec) => [spec.key, String(form.get(optionField(spec.key)) ?? "")]));
}

/**
 * Options as the API takes them. Blank optional options are left out so the plugin's default
 * applies; a blank secret is left out too, which keeps the secret already stored.
 */
export function optionsFromValues(specs: OptionSpec[], values: OptionValues): Options {
  const options: Options = {};
  for (const spec of specs) {
    const text = values[spec.key] ?? "";
    if (spec.kind === "boolean") options[spec.key] = text === "true";
    else if (text.trim() === "") {
      if (spec.required && !spec.secret) options[spec.key] = text;
    } else options[spec.key] = spec.kind === "number" && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  return options;
}
