import { expect } from "vitest";

/** The error a plugin call failed with, to compare two calls' refusals; fails the test if the call succeeded. */
export const refusal = (call: Promise<unknown>) =>
  call.then(
    () => expect.unreachable("the call should have been refused"),
    (err: unknown) => err,
  );
