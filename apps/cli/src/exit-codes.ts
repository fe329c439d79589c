/** Documented exit codes of the `kinetic-nde` command line. */
export const EXIT = Object.freeze({
  /** Everything succeeded and every check passed. */
  OK: 0,
  /** A self-check failed, or a solver status was not "success". */
  CHECK_FAILED: 1,
  /** Usage error or bad input (unknown flag, invalid config field, existing output without --force). */
  USAGE: 2,
  /** I/O error (missing or unreadable input file, output not writable). */
  IO: 3,
  /** A requested size does not fit in memory or time; refused before any work. */
  TOO_LARGE: 4,
  /** An internal error (a bug): reported in one line; KINETIC_NDE_DEBUG=1 prints the stack. */
  INTERNAL: 70,
  /** Interrupted by Ctrl-C (SIGINT) or SIGTERM; finished work was kept. */
  INTERRUPTED: 130,
});

/** Help text listing the exit codes (shown by `--help`). */
export const EXIT_CODES_HELP = `
Exit codes:
  0    success (every check passed, every solver status "success")
  1    a self-check failed or a solver status was not "success"
  2    usage error or bad input (unknown flag or command, invalid config field, output exists without --force)
  3    I/O error (missing or unreadable input file, output not writable)
  4    too large: a requested size does not fit in memory or time (refused before any work)
  70   internal error (a bug; rerun with KINETIC_NDE_DEBUG=1 for the stack trace)
  130  interrupted (Ctrl-C / SIGINT or SIGTERM); finished results and a partial report are kept`;

/** An error that ends the program with a given exit code and message. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
