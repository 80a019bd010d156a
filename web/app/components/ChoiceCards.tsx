import { Link } from "@remix-run/react";
import type { PluginInfo } from "../lib/models";
import { PluginIcon } from "./PluginIcon";

export interface ChoiceCard {
  to: string;
  plugin: PluginInfo | undefined;
  title: string;
  text: string;
}

/** A first step that is a choice among a few kinds of thing, each a card that leads on. */
export function ChoiceCards({ cards, label }: { cards: ChoiceCard[]; label: string }) {
  return (
    <ul className="choice-cards" aria-label={label}>
      {cards.map((card) => (
        <li key={card.to}>
          <Link to={card.to} className="choice-card">
            <PluginIcon plugin={card.plugin} large />
            <span className="choice-title">{card.title}</span>
            <span className="choice-text">{card.text}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
