import type { PluginInfo } from "../lib/models";

/** The plugin's own SVG; it draws with currentColor, so it takes the text colour around it. */
export function PluginIcon({ plugin, large = false }: { plugin: PluginInfo | undefined; large?: boolean }) {
  return <span className={large ? "plugin-icon large" : "plugin-icon"} aria-hidden="true" dangerouslySetInnerHTML={{ __html: plugin?.icon ?? "" }} />;
}
