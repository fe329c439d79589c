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
  /** Interrupted by Ctrl-C (SIGINT); finished work was kept. */
  INTERRUPTED: 130,
});

/** Help text listing the exit codes (shown by `--help`). */
export const EXIT_CODES_HELP = `
Exit codes:
  0    success (every check passed, every solver status "success")
  1    a self-check failed or a solver status was not "success"
  2    usage error or bad input (unknown flag, invalid config field, output exists without --force)
  3    I/O error (missing or unreadable input file, output not writable)
  130  interrupted (Ctrl-C); finished results and a partial report are kept`;

/** An error that ends the program with a given exit code and message. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
