import { forwardRef, useId, type InputHTMLAttributes, type ReactNode } from "react";
import { errorField } from "../lib/form-errors";
import type { ApiError } from "../lib/types";

type Props = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  error?: ApiError;
  hint?: ReactNode;
};

/** A labelled input that shows the API's message beside itself when the error is about this field. */
export const Field = forwardRef<HTMLInputElement, Props>(function Field({ label, name, error, hint, ...input }, ref) {
  const id = useId();
  const message = errorField(error) === name ? error?.message : undefined;
  const described = [hint ? `${id}-hint` : null, message ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        ref={ref}
        id={id}
        name={name}
        aria-invalid={message ? true : undefined}
        aria-describedby={described || undefined}
        {...input}
      />
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {message ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
});
