/** What a CLI command may touch, passed in so end-to-end tests can run the real commands in-process too. */
import type { TerminalStyle } from '../report/terminal';
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  isTty: boolean;
  /** The terminal's width when stdout is one (process.stdout.columns). */
  columns?: number;
  /** stderr is a terminal: progress lines may be drawn there. */
  errIsTty?: boolean;
  /** Draws (or, with undefined, clears) the one progress line on stderr; absent: no progress. */
  progress?(line: string | undefined): void;
}

/**
 * How stdout should look: the terminal's width (else COLUMNS, else 120), colour and box drawing
 * only on a terminal and never with NO_COLOR (https://no-color.org).
 */
export function terminalStyle(io: CliIo): TerminalStyle {
  const fromEnv = Number.parseInt(io.env.COLUMNS ?? '', 10);
  const width =
    io.columns && io.columns > 0 ? io.columns : Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 120;
  const fancy = io.isTty && !io.env.NO_COLOR;
  return { color: fancy, boxes: fancy, width: Math.max(20, width) };
}

export function processIo(): CliIo {
  // `wimon … | head`: the reader went away; stop quietly as other command-line tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    env: process.env,
    cwd: process.cwd(),
    isTty: Boolean(process.stdout.isTTY),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    errIsTty: Boolean(process.stderr.isTTY),
    // Only a terminal gets a progress line (redrawn in place); logs and pipes stay clean.
    progress: process.stderr.isTTY
      ? (line) =>
          process.stderr.write(
            line === undefined
              ? '\r\u001b[2K'
              : `\r\u001b[2K${line.slice(0, (process.stderr.columns || 80) - 1)}`,
          )
      : undefined,
  };
}

export { EXIT } from '../errors';
