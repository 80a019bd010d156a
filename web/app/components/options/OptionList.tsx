import type { OptionSpec, Options } from "../../lib/models";
import { SECRET_MASK } from "../../lib/secrets";

function shown(spec: OptionSpec, value: unknown): string {
  if (spec.secret) return value === SECRET_MASK ? "set" : "not set";
  if (value === undefined || value === null || value === "") return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  const choice = spec.choices?.find((c) => c.value === String(value));
  return choice ? choice.label : String(value);
}

/** Options as text, for people who may look but not change; secrets only say whether they are set. */
export function OptionList({ specs, options }: { specs: OptionSpec[]; options: Options }) {
  return (
    <dl className="facts">
      {specs.map((spec) => (
        <div key={spec.key}>
          <dt>{spec.label}</dt>
          <dd className={spec.kind === "sql" ? "code-block" : undefined}>{shown(spec, options[spec.key])}</dd>
        </div>
      ))}
    </dl>
  );
}
