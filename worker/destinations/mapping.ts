import type { DestinationFields } from "../../plugins/contract";
import type { Group, Property } from "../db/schema";
import { ApiError } from "../errors";
import { fitsField } from "./field-fit";
import type { FieldMapping, GroupListMapping } from "./types";

export interface MappingInput {
  remote: string;
  property: string;
}

export interface GroupListInput {
  groupId: string;
  remote: string;
}

const invalid = (field: string, message: string) => new ApiError("invalid_request", `Invalid ${field}: ${message}`, [{ path: field, message }]);

/**
 * Checks a mapping against the Destination's fields and the workspace's Properties: every remote
 * field once, each known to the Destination unless it takes any, each Property existing and of a
 * type the field takes, and every required field mapped. Returns it with Property ids.
 */
export function checkMapping(input: MappingInput[], offered: DestinationFields, props: readonly Property[]): FieldMapping[] {
  const byKey = new Map(props.map((p) => [p.key, p]));
  const fields = new Map(offered.fields.map((f) => [f.name, f]));
  const seen = new Set<string>();
  const mapping = input.map((m, i) => {
    if (seen.has(m.remote)) throw invalid(`mapping.${i}.remote`, `"${m.remote}" is mapped more than once`);
    seen.add(m.remote);
    const field = fields.get(m.remote);
    if (!field && !offered.customFields) {
      throw invalid(`mapping.${i}.remote`, `the Destination has no field "${m.remote}"; it has ${[...fields.keys()].join(", ") || "none"}`);
    }
    const property = byKey.get(m.property);
    if (!property) throw invalid(`mapping.${i}.property`, `no Property has the key "${m.property}"`);
    if (field && !fitsField(field.type, property.type)) {
      throw invalid(`mapping.${i}.property`, `"${field.name}" takes ${field.type} values, and "${property.key}" is a ${property.type} Property`);
    }
    return { remote: m.remote, propertyId: property.id, arrays: field?.arrays ?? "list" };
  });
  const missing = offered.fields.filter((f) => f.required && !seen.has(f.name));
  if (missing.length) throw invalid("mapping", `the Destination needs ${missing.map((f) => `"${f.name}"`).join(", ")} mapped`);
  return mapping;
}

/** Checks which Groups become remote lists: the Destination must have lists, each Group must exist and appear once. */
export function checkGroupLists(input: GroupListInput[], offered: DestinationFields, groupsById: ReadonlyMap<string, Group>): GroupListMapping[] {
  if (input.length && !offered.lists) throw invalid("groupLists", "this Destination has nothing Group memberships could become");
  const seen = new Set<string>();
  return input.map((g, i) => {
    if (!groupsById.has(g.groupId)) throw invalid(`groupLists.${i}.groupId`, "no such Group");
    if (seen.has(g.groupId)) throw invalid(`groupLists.${i}.groupId`, "the Group is listed more than once");
    seen.add(g.groupId);
    return { groupId: g.groupId, remote: g.remote };
  });
}
