import type { ShouldRevalidateFunction } from "@remix-run/react";

/**
 * Posts to /resources/* only read (option choices, previews, tests of unsaved options), so they
 * change nothing a page has loaded: reloading every page loader after each would be wasted calls.
 */
export const skipAfterResourceReads: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) =>
  formAction?.startsWith("/resources/") ? false : defaultShouldRevalidate;
