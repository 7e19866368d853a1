/**
 * Terminal colours for chunkdump's human output: only on a TTY, never when `NO_COLOR` is set (https://no-color.org),
 * and text that cannot reach a terminal as control sequences (lines and symbols are escaped before printing).
 */

/** How a piece of text is shown. */
export interface Style {
  /** A passing check (`OK`). */
  ok(text: string): string;
  /** A failing check (`BAD`, `DAMAGED`, errors). */
  bad(text: string): string;
  /** Headings such as the file name. */
  strong(text: string): string;
  /** Secondary text: labels, structured metadata. */
  dim(text: string): string;
}

const plain = (text: string): string => text;
const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

/** No colours. */
export const PLAIN_STYLE: Style = { ok: plain, bad: plain, strong: plain, dim: plain };

/** ANSI colours: green, bold red, bold, dim. */
export const COLOR_STYLE: Style = {
  ok: sgr(32, 39),
  bad: (text) => `\x1b[1;31m${text}\x1b[22;39m`,
  strong: sgr(1, 22),
  dim: sgr(2, 22),
};

/** Colours on a terminal, unless `NO_COLOR` is set to anything but the empty string. */
export function useColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  const noColor = env.NO_COLOR;
  return stream.isTTY === true && (noColor === undefined || noColor === '');
}

// C0 controls except tab, DEL and C1 controls: what a terminal would act on instead of printing.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
const HAS_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

/** Text with control characters escaped (`\n`, `\r`, `\x1b`, ...), so one entry stays on one line. */
export function escapeControls(text: string): string {
  if (!HAS_CONTROL.test(text)) return text; // The common case: no copy.
  return text.replace(CONTROL, (char) => NAMED[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
