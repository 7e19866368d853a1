/**
 * The two copies every LZ77 block decoder (LZ4, Snappy) makes: literals from the input, and matches from
 * earlier output. Callers have bounds-checked both ranges; short copies use a byte loop because a typed-array
 * call costs more than it saves below a few dozen bytes.
 */

/** Below this many bytes a plain loop beats `set`/`copyWithin`. */
const SHORT_COPY = 32;

/** Copies `length` literal bytes from `source[from, ...)` to `output[to, ...)`. */
export function copyLiteral(source: Uint8Array, from: number, output: Uint8Array, to: number, length: number): void {
  if (length < SHORT_COPY) {
    for (let i = 0; i < length; i++) output[to + i] = source[from + i]!;
  } else {
    output.set(source.subarray(from, from + length), to);
  }
}

/**
 * Copies a match of `length` bytes starting `distance` bytes back, to `output[to, ...)`. When the match
 * overlaps its own output (`distance < length`) the source pattern repeats, as LZ77 defines it.
 */
export function copyMatch(output: Uint8Array, to: number, distance: number, length: number): void {
  const from = to - distance;
  if (distance >= length) {
    if (length < SHORT_COPY) {
      for (let i = 0; i < length; i++) output[to + i] = output[from + i]!;
    } else {
      output.copyWithin(to, from, from + length);
    }
  } else if (distance === 1) {
    output.fill(output[from]!, to, to + length);
  } else {
    for (let i = 0; i < length; i++) output[to + i] = output[from + i]!;
  }
}
