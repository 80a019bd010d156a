import { Link } from "@remix-run/react";
import { findAppType, findSourceType } from "../../lib/catalog";
import type { App, PluginInfo, Source } from "../../lib/models";
import { placeholderKeys } from "../../lib/placeholders";
import { PluginIcon } from "../PluginIcon";
import { IdentityText } from "./IdentityText";

interface Props {
  sources: Source[];
  apps: App[];
  plugins: PluginInfo[];
  /** Left out on an App's own page, where every row has the same App. */
  showApp?: boolean;
}

export function SourceTable({ sources, apps, plugins, showApp = true }: Props) {
  const appsById = new Map(apps.map((a) => [a.id, a]));
  return (
    <table className="sources">
      <thead>
        <tr>
          <th scope="col">Source</th>
          {showApp ? <th scope="col">App</th> : null}
          <th scope="col">Type</th>
          <th scope="col">Identity</th>
          <th scope="col">Role</th>
        </tr>
      </thead>
      <tbody>
        {sources.map((source) => {
          const app = appsById.get(source.appId);
          const sourceType = app ? findSourceType(plugins, app, source.type) : null;
          return (
            <tr key={source.id}>
              <td>
                <Link to={`/sources/${source.id}`} className="strong">
                  {source.name}
                </Link>
              </td>
              {showApp ? (
                <td>
                  {app ? (
                    <span className="with-icon">
                      <PluginIcon plugin={findAppType(plugins, app.plugin, app.type)?.plugin} />
                      <Link to={`/apps/${app.id}`}>{app.name}</Link>
                    </span>
                  ) : (
                    "—"
                  )}
                </td>
              ) : null}
              <td>{sourceType?.displayName ?? source.type}</td>
              <td>
                <IdentityText source={source} placeholders={sourceType ? placeholderKeys(sourceType.options, source.options) : []} />
              </td>
              <td>
                <span className={`role ${source.role}`}>{source.role}</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
