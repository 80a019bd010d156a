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
  };
}
