/**
 * Progress on stderr: a bar with ETA on a TTY, plain periodic lines otherwise.
 */
export interface ProgressReporter {
  update(fraction: number, message: string): void;
  log(line: string): void;
  finish(): void;
}

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "--";
  if (s < 60) return `${Math.round(s)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
}

/**
 * Create a progress reporter for one task.
 * @param label - task label, e.g. `"[2/9] steady-states"`
 * @param quiet - print nothing but `log` lines
 */
export function createProgress(label: string, quiet = false): ProgressReporter {
  const tty = process.stderr.isTTY === true;
  const start = Date.now();
  let lastPrint = 0;
  let lastMessage = "";
  let drawn = false;
  const clear = () => {
    if (tty && drawn) {
      process.stderr.write("\r\x1b[2K");
      drawn = false;
    }
  };
  return {
    update(fraction, message) {
      if (quiet) return;
      const now = Date.now();
      const f = Math.min(1, Math.max(0, fraction));
      const elapsed = (now - start) / 1000;
      const eta = f > 0.02 ? (elapsed * (1 - f)) / f : NaN;
      if (tty) {
        if (now - lastPrint < 100 && f < 1) return;
        lastPrint = now;
        const width = 24;
        const full = Math.round(f * width);
        const cols = process.stderr.columns ?? 100;
        let line = `${label} [${"#".repeat(full)}${".".repeat(width - full)}] ${String(Math.round(f * 100)).padStart(3)}% ETA ${fmtSeconds(eta)} ${message}`;
        if (line.length > cols - 1) line = line.slice(0, cols - 2);
        process.stderr.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else if (message !== lastMessage && (now - lastPrint >= 1000 || lastPrint === 0)) {
        lastPrint = now;
        lastMessage = message;
        process.stderr.write(`${label} ${Math.round(f * 100)}% (${fmtSeconds(elapsed)} elapsed, ETA ${fmtSeconds(eta)}) ${message}\n`);
      }
    },
    log(line) {
      clear();
      process.stderr.write(line + "\n");
    },
    finish() {
      clear();
    },
  };
}
