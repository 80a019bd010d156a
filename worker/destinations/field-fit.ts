import type { RemoteFieldType } from "../../plugins/contract";
import type { PropertyType } from "../properties/types";

/** The Property types a remote field of each type takes; values travel as text, so a text field takes any. */
const FITS: Record<RemoteFieldType, readonly PropertyType[] | "all"> = {
  string: "all",
  any: "all",
  number: ["integer", "float"],
  boolean: ["boolean"],
  date: ["date"],
};

/** Whether a Property of this type can fill a remote field of that type; the API and the mapping form both ask. */
export function fitsField(field: RemoteFieldType, property: PropertyType): boolean {
  const fits = FITS[field];
  return fits === "all" || fits.includes(property);
}
