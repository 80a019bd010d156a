import { useId } from "react";
import { CREATED_AT, CREATED_AT_LABEL, operandOf, operatorLabel, operatorsFor, UNITS, withProperty, type DraftRule, type Operator, type Quantifier, type RuleTarget, type RuleTreeError, type Unit } from "../../lib/rules";

interface Props {
  rule: DraftRule;
  /** How people number it, e.g. "2.1". */
  number: string;
  /** Its place in the API's notation, which the API's errors name. */
  path: string;
  targets: RuleTarget[];
  errors: RuleTreeError[];
  onChange(rule: DraftRule): void;
  onRemove(): void;
}

/** What each field of a rule is called in the API's error paths and on screen. */
const FIELD_LABELS: Record<string, string> = { property: "Property", operator: "Comparison", value: "Value", values: "Values", amount: "Amount", unit: "Unit", quantifier: "Which values" };

function fieldLabel(field: string, operator: Operator) {
  const item = /^values\[(\d+)\]$/.exec(field);
  if (item) return operator === "between" ? (item[1] === "0" ? "From" : "To") : `Value ${Number(item[1]) + 1}`;
  return FIELD_LABELS[field] ?? "Rule";
}

/** One rule: a Property, how to compare it, and the operands that comparison needs. */
export function RuleRow({ rule, number, path, targets, errors, onChange, onRemove }: Props) {
  const errorId = useId();
  const target = targets.find((t) => t.key === rule.property);
  const operand = operandOf(rule.operator);
  const set = (change: Partial<DraftRule>) => onChange({ ...rule, ...change });
  const fieldOf = (e: RuleTreeError) => e.path.slice(path.length + 1);
  // An input is marked for errors about it, about an item of it (the list's values[3]), or about the list it is an item of (between's two values).
  const invalid = (field: string) =>
    errors.some((e) => {
      const named = fieldOf(e);
      return named && (named === field || named.startsWith(`${field}[`) || field.startsWith(`${named}[`));
    }) || undefined;
  const described = errors.length ? errorId : undefined;
  const quantified = Boolean(target?.isArray) && operand !== "none";
  const input = (field: string, label: string) => ({ "aria-label": label, "aria-invalid": invalid(field), "aria-describedby": described });

  return (
    <div className={quantified ? "rule-row quantified" : "rule-row"} role="group" aria-label={`Rule ${number}`}>
      <select
        {...input("property", "Property")}
        value={target ? rule.property : ""}
        onChange={(e) => {
          const next = targets.find((t) => t.key === e.currentTarget.value);
          if (next) onChange(withProperty(rule, next));
        }}
      >
        {target ? null : <option value="">{rule.property} (no longer a Property)</option>}
        {targets.map((t) => (
          <option key={t.key} value={t.key}>
            {t.key === CREATED_AT ? CREATED_AT_LABEL : t.isArray ? `${t.key} (list)` : t.key}
          </option>
        ))}
      </select>
      {quantified ? (
        <select {...input("quantifier", "Which values")} value={rule.quantifier} onChange={(e) => set({ quantifier: e.currentTarget.value as Quantifier })}>
          <option value="any">any of its values</option>
          <option value="none">none of its values</option>
        </select>
      ) : null}
      <select {...input("operator", "Comparison")} value={rule.operator} onChange={(e) => set({ operator: e.currentTarget.value as Operator })}>
        {operatorsFor(target?.type ?? "string").map((op) => (
          <option key={op} value={op}>
            {operatorLabel(op, target?.type ?? "string")}
          </option>
        ))}
      </select>
      {operand === "value" && target?.type === "boolean" ? (
        <select {...input("value", "Value")} value={rule.value} onChange={(e) => set({ value: e.currentTarget.value })}>
          <option value="">Choose…</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : operand === "value" || operand === "fragment" ? (
        <input {...input("value", "Value")} value={rule.value} onChange={(e) => set({ value: e.currentTarget.value })} />
      ) : operand === "values" ? (
        <textarea {...input("values", "Values")} rows={2} value={rule.list} placeholder="US, GB — or one per line" onChange={(e) => set({ list: e.currentTarget.value })} />
      ) : operand === "pair" ? (
        <span className="rule-operands">
          <input {...input("values[0]", "From")} value={rule.low} onChange={(e) => set({ low: e.currentTarget.value })} />
          <span aria-hidden="true">and</span>
          <input {...input("values[1]", "To")} value={rule.high} onChange={(e) => set({ high: e.currentTarget.value })} />
        </span>
      ) : operand === "relative" ? (
        <span className="rule-operands">
          <input {...input("amount", "Amount")} type="number" min={1} step={1} value={rule.amount} onChange={(e) => set({ amount: e.currentTarget.value })} />
          <select {...input("unit", "Unit")} value={rule.unit} onChange={(e) => set({ unit: e.currentTarget.value as Unit })}>
            {UNITS.map((unit) => (
              <option key={unit}>{unit}</option>
            ))}
          </select>
        </span>
      ) : (
        // Presence takes no operand; the empty cell keeps Remove in its column.
        <span />
      )}
      <button type="button" className="link-button" onClick={onRemove} aria-label={`Remove rule ${number}`}>
        Remove
      </button>
      {errors.length ? (
        <ul className="rule-errors" id={errorId}>
          {errors.map((e) => (
            <li key={`${e.path}:${e.message}`} className="field-error">
              {fieldLabel(fieldOf(e), rule.operator)}: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
