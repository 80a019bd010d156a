import type { Locator } from "playwright-core";
import { expect } from "vitest";

/** The text a person would read there, retried while the page is still settling after a navigation. */
export const textOf = (locator: Locator) => expect.poll(() => locator.textContent(), { timeout: 10_000 });
