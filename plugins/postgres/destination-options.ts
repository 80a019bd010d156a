import { tableDestinationOptions } from "../shared/table-destination-options";
import { identifierSchema } from "./identifiers";

export type { TableDestination } from "../shared/table-destination-options";

export const { schema: tableDestinationSchema, specs: tableDestinationOptionSpecs } = tableDestinationOptions({
  identifier: identifierSchema,
  sameName: (a, b) => a === b,
  container: "schema",
  flagColumn: "A boolean column set true when a Record leaves, and false whenever its row is written",
});
