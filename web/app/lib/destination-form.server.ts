import { jsonListField } from "./json-field.server";
import type { DestinationTypeInfo } from "./destinations";
import { optionsFromValues, optionValuesFromForm } from "./option-values";

/** A Destination's definition as the API takes it, from the fields of its form. */
export function destinationFromForm(form: FormData, destinationType: DestinationTypeInfo) {
  const groupId = String(form.get("groupId") ?? "");
  return {
    name: String(form.get("name") ?? ""),
    options: optionsFromValues(destinationType.options, optionValuesFromForm(form, destinationType.options)),
    groupId: groupId || null,
    syncMode: String(form.get("syncMode") ?? "sync"),
    mapping: jsonListField(form, "mapping"),
    groupLists: jsonListField(form, "groupLists"),
    // Only Destinations that forward events show these; the others always sync Records.
    sendRecords: destinationType.forwardsEvents ? form.get("sendRecords") === "on" : true,
    eventNames: destinationType.forwardsEvents ? eventNamesFromText(String(form.get("eventNames") ?? "")) : [],
  };
}

/** Event names as a person types them: separated by commas, spaces or new lines. */
const eventNamesFromText = (text: string) => text.split(/[\s,]+/).filter(Boolean);
