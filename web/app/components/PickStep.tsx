import { findAppType } from "../lib/catalog";
import type { App, PluginInfo } from "../lib/models";
import { ChoiceCards } from "./ChoiceCards";

/** The first step of making something on an App: which App, as a card per App with its plugin's icon. */
export function PickApp({ apps, plugins, question }: { apps: App[]; plugins: PluginInfo[]; question: string }) {
  return (
    <section className="panel" aria-labelledby="pick-app">
      <h2 id="pick-app">{question}</h2>
      <ChoiceCards
        label="Apps"
        cards={apps.map((a) => {
          const info = findAppType(plugins, a.plugin, a.type);
          return { to: `?appId=${a.id}`, plugin: info?.plugin, title: a.name, text: info?.appType.displayName ?? a.type };
        })}
      />
    </section>
  );
}

/** The next step, when the App offers more than one kind: which kind, as a card each. */
export function PickType({ app, plugin, types, question, label }: { app: App; plugin: PluginInfo | undefined; types: { type: string; displayName: string; description: string }[]; question: string; label: string }) {
  return (
    <section className="panel" aria-labelledby="pick-type">
      <h2 id="pick-type">{question}</h2>
      <ChoiceCards label={label} cards={types.map((t) => ({ to: `?appId=${app.id}&type=${t.type}`, plugin, title: t.displayName, text: t.description }))} />
    </section>
  );
}
