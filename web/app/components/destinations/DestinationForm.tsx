import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { SYNC_MODE_WORDS, SYNC_MODES, type Destination, type DestinationTypeInfo, type GroupList } from "../../lib/destinations";
import { errorField } from "../../lib/form-errors";
import type { App } from "../../lib/models";
import { initialOptionValues, optionsFromValues } from "../../lib/option-values";
import type { ApiError } from "../../lib/types";
import { CsrfField } from "../CsrfField";
import { Field } from "../Field";
import { FormError } from "../FormError";
import { OptionField } from "../options/OptionField";
import { EventSubscription } from "./EventSubscription";
import { GroupListEditor } from "./GroupListEditor";
import { MappingEditor, type MappingDraft } from "./MappingEditor";
import { useMappingOptions } from "./useMappingOptions";

interface Props {
  app: App;
  destinationType: DestinationTypeInfo;
  groups: { id: string; name: string }[];
  /** The Destination being edited; a new one starts from the type's defaults. */
  saved?: Destination;
  error?: ApiError;
  /** Fields the page adds, such as which App and type a new Destination is of. */
  children?: ReactNode;
}

const MODE_TEXT = {
  sync: "Records that leave the collection are removed or archived there.",
  additive: "Records that leave stay there as they were last sent.",
  enrich: "Only Records it already has are updated; none are created.",
} as const;

/** Fields that show the API's error beside themselves, so the form does not repeat it above them; the mapping's and lists' rows do too. */
const shownFields = (specs: DestinationTypeInfo["options"], erred: string | null) => [
  "name",
  "groupId",
  "syncMode",
  "sendRecords",
  "eventNames",
  ...(erred?.startsWith("eventNames.") ? [erred] : []),
  ...specs.flatMap((o) => [o.key, `options.${o.key}`]),
  ...(erred && /^(mapping|groupLists)(\.|$)/.test(erred) ? [erred] : []),
];

/**
 * A Destination's whole definition on one form: the plugin's options, which Records it gets and
 * how, and the mapping, whose fields the Destination itself lists once its options are filled in.
 */
export function DestinationForm({ app, destinationType, groups, saved, error, children }: Props) {
  const specs = destinationType.options;
  const [values, setValues] = useState(() => initialOptionValues(specs, saved?.options));
  const [mapping, setMapping] = useState<MappingDraft[]>(() => saved?.mapping.map((m) => ({ remote: m.remote, property: m.property ?? "" })) ?? []);
  const [lists, setLists] = useState<GroupList[]>(() => saved?.groupLists ?? []);
  const busy = useNavigation().state === "submitting";
  const options = optionsFromValues(specs, values);
  const blank = specs.filter((s) => s.required && !s.secret && String(options[s.key] ?? "").trim() === "");
  const fields = useMappingOptions(app.id, destinationType.type, options, blank.length === 0);
  const offered = fields.mappingOptions;

  // A new Destination starts with a row for every field it requires.
  useEffect(() => {
    if (!offered) return;
    setMapping((rows) => {
      const missing = offered.fields.filter((f) => f.required && !rows.some((r) => r.remote === f.name));
      return missing.length ? [...missing.map((f) => ({ remote: f.name, property: "" })), ...rows] : rows;
    });
  }, [offered]);

  const status = blank.length
    ? `Fill in ${blank.map((s) => s.label).join(", ")} to see the fields it has.`
    : fields.loading
      ? "Asking the Destination which fields it has…"
      : fields.error
        ? `Its fields could not be listed: ${fields.error.message}`
        : undefined;
  const verb = saved ? "Save" : "Create";

  return (
    <Form method="post">
      <CsrfField />
      {children}
      <input type="hidden" name="mapping" value={JSON.stringify(mapping)} />
      <input type="hidden" name="groupLists" value={JSON.stringify(lists)} />
      <FormError error={error} fields={shownFields(specs, errorField(error))} />
      <section className="panel" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Settings</h2>
        <Field label="Name" name="name" required maxLength={100} defaultValue={saved?.name} placeholder="e.g. Newsletter audience" error={error} />
        {specs.map((spec) => (
          <OptionField key={spec.key} spec={spec} value={values[spec.key] ?? ""} onChange={(value) => setValues((v) => ({ ...v, [spec.key]: value }))} error={error} />
        ))}
      </section>
      <section className="panel" aria-labelledby="records-heading">
        <h2 id="records-heading">Which Records</h2>
        <div className="field">
          <label htmlFor="destination-group">Collection</label>
          <select id="destination-group" name="groupId" defaultValue={saved?.groupId ?? ""}>
            <option value="">Every Record</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                Members of {g.name}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="radio-cards">
          <legend>Mode</legend>
          {SYNC_MODES.map((mode) => (
            <label key={mode} className="radio-card">
              <input type="radio" name="syncMode" value={mode} defaultChecked={mode === (saved?.syncMode ?? "sync")} />
              <span>
                <strong>{SYNC_MODE_WORDS[mode]}</strong>
                <span className="hint">{MODE_TEXT[mode]}</span>
              </span>
            </label>
          ))}
        </fieldset>
      </section>
      {destinationType.forwardsEvents ? <EventSubscription saved={saved} error={error} /> : null}
      <section className="panel" aria-labelledby="mapping-heading">
        <h2 id="mapping-heading">What is sent</h2>
        <MappingEditor options={offered} status={status} rows={mapping} setRows={setMapping} error={error} />
        {offered?.lists ? <GroupListEditor label={offered.lists.label} groups={groups} rows={lists} setRows={setLists} error={error} /> : null}
      </section>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? `${verb === "Save" ? "Saving" : "Creating"}…` : `${verb} Destination`}
        </button>
        {saved ? <span className="hint">Saving a new collection, mode or mapping brings what the Destination holds in line with it.</span> : null}
      </div>
    </Form>
  );
}
