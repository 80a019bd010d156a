import { z } from "zod";
import { tableDestinationOptions } from "../shared/table-destination-options";

export type { TableDestination } from "../shared/table-destination-options";

export const { schema: tableDestinationSchema, specs: tableDestinationOptionSpecs } = tableDestinationOptions({
  /** MySQL and MariaDB names are at most 64 characters. */
  identifier: z.string().trim().min(1, "is required").max(64),
  // Table and column names compare without case in MySQL and MariaDB.
  sameName: (a, b) => a.toLowerCase() === b.toLowerCase(),
  container: "database",
  flagColumn: "A BOOLEAN (tinyint(1)) or bit(1) column set to 1 when a Record leaves, and to 0 whenever its row is written",
});
