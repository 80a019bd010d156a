import type { FormEvent } from "react";

/** Asks before a form that cannot be undone is sent. */
export const confirmSubmit = (question: string) => (event: FormEvent<HTMLFormElement>) => {
  if (!window.confirm(question)) event.preventDefault();
};
