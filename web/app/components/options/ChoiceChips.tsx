import type { Choice } from "../../lib/models";

const split = (value: string) => value.split(",").map((v) => v.trim()).filter(Boolean);

/** For a text option that holds a comma-separated list (a table's columns): the listed choices as toggles. */
export function ChoiceChips({ choices, value, onChange, label }: { choices: Choice[]; value: string; onChange(value: string): void; label: string }) {
  const chosen = split(value);
  const toggle = (choice: string) => {
    const next = chosen.includes(choice) ? chosen.filter((c) => c !== choice) : [...chosen, choice];
    onChange(next.join(", "));
  };
  return (
    <div className="chips" role="group" aria-label={`${label}: pick from the list`}>
      {choices.map((choice) => (
        <button key={choice.value} type="button" className="chip" aria-pressed={chosen.includes(choice.value)} onClick={() => toggle(choice.value)}>
          {choice.label}
        </button>
      ))}
    </div>
  );
}
