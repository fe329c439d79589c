/**
 * SIGINT (Ctrl-C) and SIGTERM, handled once for every command.
 *
 * - A command that can stop cleanly passes {@link commandSignal} to its work
 *   (`run(config, { signal: commandSignal() })`): the first signal aborts it, the command's action
 *   rejects with an AbortError and the program exits 130 without moving half-made results into place.
 * - A command with several independent parts (`reproduce`) calls {@link deferFirstInterrupt}: the
 *   first signal only asks it to stop after the current part (it then writes a partial report and
 *   returns 130), a second one aborts {@link commandSignal}.
 * - Any further signal, or the first one while no command listens, stops the process at once
 *   (exit 130): every file is written under a temporary name and renamed, so nothing truncated is left.
 */
import { discardOutputs } from "./io.js";
import { EXIT } from "./exit-codes.js";

/** The signals treated as an interrupt. */
export type InterruptSignal = "SIGINT" | "SIGTERM";

const controller = new AbortController();
const received: InterruptSignal[] = [];
let installed = false;
let listening = false;
let deferred: ((signal: InterruptSignal) => void) | undefined;

/** An `AbortError` whose message names the signal. */
function abortError(signal: InterruptSignal): Error {
  return Object.assign(new Error(`interrupted by ${signal}`), { name: "AbortError" });
}

function stopNow(signal: InterruptSignal): never {
  process.stderr.write(`\ninterrupted (${signal}): stopping now; previous results are untouched\n`);
  discardOutputs();
  process.exit(EXIT.INTERRUPTED);
}

function onSignal(signal: InterruptSignal): void {
  received.push(signal);
  if (received.length === 1 && deferred !== undefined) {
    deferred(signal);
    return;
  }
  if (listening && !controller.signal.aborted) {
    process.stderr.write(`\ninterrupted (${signal}): stopping (${signal === "SIGINT" ? "Ctrl-C" : "SIGTERM"} again to stop at once)\n`);
    controller.abort(abortError(signal));
    return;
  }
  stopNow(signal);
}

/**
 * Install the SIGINT and SIGTERM handlers (once; later calls do nothing). Called by the program
 * before any command runs.
 * @example
 * ```ts
 * installSignalHandlers();
 * ```
 */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
}

/**
 * The abort signal of the running command: pass it to the work (`run(config, { signal })`,
 * `runExperiment(id, overrides, { signal })`). Calling it tells the handlers that the command stops
 * cleanly on abort, so the first SIGINT/SIGTERM aborts it instead of ending the process.
 * @returns the command's AbortSignal (its `reason` is an `AbortError` naming the signal)
 * @example
 * ```ts
 * const result = await runExperiment(id, overrides, { seed, signal: commandSignal() });
 * ```
 */
export function commandSignal(): AbortSignal {
  listening = true;
  return controller.signal;
}

/**
 * Make the first SIGINT/SIGTERM a request to stop after the current part (e.g. the current
 * experiment) instead of an abort; a second signal aborts {@link commandSignal}.
 * @param onFirst - called on the first signal (print what will happen)
 * @returns a function that restores the default behaviour
 * @example
 * ```ts
 * const undo = deferFirstInterrupt((s) => process.stderr.write(`${s}: finishing the current experiment\n`));
 * try { ... if (interruptRequested()) break; ... } finally { undo(); }
 * ```
 */
export function deferFirstInterrupt(onFirst: (signal: InterruptSignal) => void): () => void {
  deferred = onFirst;
  listening = true;
  return () => {
    if (deferred === onFirst) deferred = undefined;
  };
}

/**
 * Has a SIGINT or SIGTERM arrived since the program started?
 * @returns true after the first signal
 * @example
 * ```ts
 * for (const part of parts) { if (interruptRequested()) break; await runPart(part); }
 * ```
 */
export function interruptRequested(): boolean {
  return received.length > 0;
}

/**
 * The first signal received, if any (for messages and reports).
 * @returns `"SIGINT"`, `"SIGTERM"` or undefined
 * @example
 * ```ts
 * const s = interruptSignal(); // "SIGTERM"
 * ```
 */
export function interruptSignal(): InterruptSignal | undefined {
  return received[0];
}

/**
 * Throw the command's abort reason if an interrupt has aborted it (for loops between stages).
 * @throws AbortError when {@link commandSignal} is aborted
 * @example
 * ```ts
 * for (const chunk of chunks) { throwIfInterrupted(); write(chunk); }
 * ```
 */
export function throwIfInterrupted(): void {
  if (controller.signal.aborted) throw controller.signal.reason instanceof Error ? controller.signal.reason : abortError("SIGINT");
}
