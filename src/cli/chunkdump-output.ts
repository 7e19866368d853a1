/**
 * Buffered output for chunkdump: text is gathered into large writes and each write waits for the stream to drain,
 * so listing millions of entries neither floods memory nor issues a syscall per line. A reader that closes the
 * pipe early (`chunkdump -l x | head`) is not an error: the program then ends quietly with status 0.
 */

const FLUSH_AT = 64 * 1024;

/** A line-oriented writer over a Node stream. */
export class LineWriter {
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  /** Queues one line (a newline is added); writes when enough is queued. */
  async line(text: string): Promise<void> {
    this.pending.push(text, '\n');
    this.pendingLength += text.length + 1;
    if (this.pendingLength >= FLUSH_AT) await this.flush();
  }

  /** Writes everything queued and waits until the stream accepts more. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    if (!this.stream.write(text)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }
}

/** Ends the program quietly (status 0) when the reader of `stream` goes away; other write errors end it with 2. */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WritableStream, name: string): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    process.stderr.write(`chunkdump: writing to ${name} failed: ${error.message}\n`);
    process.exit(2);
  });
}
