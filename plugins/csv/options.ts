import { z } from "zod";
import type { OptionSpec } from "../contract";

export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export const sourceOptions = z
  .object({
    fileId: z.string().regex(/^fil_[0-9a-z]{24}$/, "must be the id of an uploaded file"),
    delimiter: z.enum(["auto", ...DELIMITERS]).default("auto"),
    header: z.enum(["auto", "yes", "no"]).default("auto"),
  })
  .strict();
export type SourceOptions = z.infer<typeof sourceOptions>;

export const appOptions = z.object({}).strict();
export type AppOptions = z.infer<typeof appOptions>;

export const SOURCE_OPTION_SPECS: OptionSpec[] = [
  { key: "fileId", label: "File", kind: "select", required: true, dynamicChoices: true, description: "An uploaded CSV file" },
  {
    key: "delimiter",
    label: "Delimiter",
    kind: "select",
    required: false,
    default: "auto",
    choices: [
      { value: "auto", label: "Detect" },
      { value: ",", label: "Comma ," },
      { value: ";", label: "Semicolon ;" },
      { value: "\t", label: "Tab" },
      { value: "|", label: "Pipe |" },
    ],
  },
  {
    key: "header",
    label: "Header row",
    kind: "select",
    required: false,
    default: "auto",
    description: "Without a header the columns are named column_1, column_2, ...",
    choices: [
      { value: "auto", label: "Detect" },
      { value: "yes", label: "First row names the columns" },
      { value: "no", label: "No header" },
    ],
  },
];
