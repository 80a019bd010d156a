import type { SourceRole } from "../../lib/models";

const ROLES: { value: SourceRole; label: string; text: string }[] = [
  { value: "primary", label: "Primary", text: "A new identity value in this Source creates a Record." },
  { value: "enrich", label: "Enrich", text: "Only adds data to Records that other Sources created." },
];

export function RoleField({ defaultValue = "primary" }: { defaultValue?: SourceRole }) {
  return (
    <fieldset className="radio-cards">
      <legend>Role</legend>
      {ROLES.map((role) => (
        <label key={role.value} className="radio-card">
          <input type="radio" name="role" value={role.value} defaultChecked={role.value === defaultValue} />
          <span>
            <strong>{role.label}</strong>
            <span className="hint">{role.text}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
