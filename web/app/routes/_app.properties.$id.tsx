import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { DeletePanel } from "../components/DeletePanel";
import { PropertyForm } from "../components/properties/PropertyForm";
import { badIntent, callApi, formFailure, loadFromApi, relayCookies } from "../lib/api.server";
import { sourceColumns } from "../lib/columns.server";
import { describeRead } from "../lib/describe-property";
import { errorOf } from "../lib/form-errors";
import type { App, Property, Source } from "../lib/models";
import { canWrite } from "../lib/permissions";
import { propertyFromForm } from "../lib/property-form";
import type { FormFailure } from "../lib/types";
import { useSession } from "../lib/use-session";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.property.key ?? "Property"} · Groupflow` }];

const propertyPath = (id: string | undefined) => `/properties/${encodeURIComponent(id ?? "")}`;

export async function loader(args: LoaderFunctionArgs) {
  const property = await loadFromApi<{ property: Property }>(args, propertyPath(args.params.id));
  const [sources, apps, columns] = await Promise.all([
    loadFromApi<{ sources: Source[] }>(args, "/sources"),
    loadFromApi<{ apps: App[] }>(args, "/apps"),
    sourceColumns(args, property.data.property.sourceId),
  ]);
  return json(
    { property: property.data.property, sources: sources.data.sources, apps: apps.data.apps, columns: columns.columns, columnsError: columns.error },
    { headers: relayCookies(property, sources, apps, ...(columns.result ? [columns.result] : [])) },
  );
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get("intent"));
  const csrfToken = form.get("csrf");
  const path = propertyPath(args.params.id);
  if (intent === "save") {
    const result = await callApi<{ property: Property }>(args, path, { method: "PATCH", body: propertyFromForm(form), csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    return json({ intent, saved: true }, { headers: relayCookies(result) });
  }
  if (intent === "delete") {
    const result = await callApi(args, path, { method: "DELETE", csrfToken });
    if (!result.ok) return formFailure(args, result, { intent });
    return redirect("/properties", { headers: relayCookies(result) });
  }
  throw badIntent(intent);
}

export default function PropertyPage() {
  const { property, sources, apps, columns, columnsError } = useLoaderData<typeof loader>();
  const result = useActionData<FormFailure | { intent: "save"; saved: true }>();
  const writer = canWrite(useSession(), "properties");
  const source = sources.find((s) => s.id === property.sourceId);
  return (
    <>
      <header className="page-header">
        <p className="breadcrumb">
          <Link to="/properties">Properties</Link>
        </p>
        <h1>
          {property.key}
          {property.unique ? <span className="badge unique">unique</span> : null}
          {property.array ? <span className="badge array">array</span> : null}
        </h1>
        <p className="muted">
          {property.type} · {describeRead(property)} from {source ? <Link to={`/sources/${source.id}`}>{source.name}</Link> : "a deleted Source"}
        </p>
      </header>
      {result && "saved" in result ? (
        <p className="notice" role="status">
          Saved.
        </p>
      ) : null}
      {writer ? (
        <>
          <p className="notice warning">
            Changing how this Property is read (its type, Source, column, aggregation, sort column, filters, unique or array) marks every value already
            stored for re-reading. Renaming the key alone does not.
          </p>
          <PropertyForm
            key={property.updatedAt}
            sources={sources}
            apps={apps}
            property={property}
            columns={columns}
            columnsError={columnsError}
            error={errorOf(result, "save")}
            submitLabel="Save changes"
          />
          <DeletePanel
            what="Property"
            name={property.key}
            consequence="Groupflow stops reading it. A Property that identifies a Source, or that a query names, cannot be deleted."
            error={errorOf(result, "delete")}
          />
        </>
      ) : null}
    </>
  );
}
