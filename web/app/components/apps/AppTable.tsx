import { Link } from "@remix-run/react";
import { findAppType } from "../../lib/catalog";
import type { App, PluginInfo } from "../../lib/models";
import { PluginIcon } from "../PluginIcon";
import { LastTest } from "./TestStatus";

export function AppTable({ apps, plugins, sourceCounts }: { apps: App[]; plugins: PluginInfo[]; sourceCounts: Record<string, number> }) {
  return (
    <table className="apps">
      <thead>
        <tr>
          <th scope="col">App</th>
          <th scope="col">Type</th>
          <th scope="col">Sources</th>
          <th scope="col">Last connection test</th>
        </tr>
      </thead>
      <tbody>
        {apps.map((app) => {
          const found = findAppType(plugins, app.plugin, app.type);
          return (
            <tr key={app.id}>
              <td>
                <span className="with-icon">
                  <PluginIcon plugin={found?.plugin} />
                  <Link to={`/apps/${app.id}`} className="strong">
                    {app.name}
                  </Link>
                </span>
              </td>
              <td>{found?.appType.displayName ?? `${app.plugin} ${app.type}`}</td>
              <td className="numeric">{sourceCounts[app.id] ?? 0}</td>
              <td>
                <LastTest lastTest={app.lastTest} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
