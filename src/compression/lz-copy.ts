/**
 * The two copies an LZ77 decoder makes: literals from the input, and matches from earlier output (the LZ4
 * decoder uses both, inflate the match copy). Callers have bounds-checked both ranges.
 *
 * Log text makes many short copies (Snappy averages ~6-byte literals and ~11-byte matches on it), where a byte
 * loop's unpredictable exit costs more than the copy. So short copies move whole 32-bit words through a
 * `DataView` and may write up to 16 bytes past their end, when the output has room there: the
 * decoder overwrites those bytes with the next element, and the last elements of a buffer take the exact path.
 * This made the Snappy block decoder ~1.7x faster on log text (it has since moved to a work buffer of its own,
 * see `snappy/block.ts`).
 */

/** A `DataView` over exactly the bytes of `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Copies `length` bytes from `source[from, ...)` to `output[to, ...)`, exactly (the compressors' literals). */
export function copyBytes(source: Uint8Array, from: number, output: Uint8Array, to: number, length: number): void {
  if (length < 64) {
    for (let i = 0; i < length; i++) output[to + i] = source[from + i]!;
  } else {
    output.set(source.subarray(from, from + length), to);
  }
}

/**
 * Copies `length` bytes from `from` in `inputView` to `to` in `outputView` in 8-byte strides, reading and writing
 * up to 7 bytes past the ends (the caller has the room): faster than `set(subarray(...))` below ~256 bytes, and
 * no builtin call. The compressors' literals and the decoders' long literals.
 */
export function copyWords(inputView: DataView, from: number, outputView: DataView, to: number, length: number): void {
  for (let done = 0; done < length; done += 8) {
    outputView.setInt32(to + done, inputView.getInt32(from + done, true), true);
    outputView.setInt32(to + done + 4, inputView.getInt32(from + done + 4, true), true);
  }
}

/**
 * Copies `length` literal bytes from `input[from, ...)` to `output[to, ...)`; `inputView` and `outputView` are
 * {@link viewOf} those arrays. Kept small so that V8 inlines it into the decoders (a call costs ~25% there).
 */
export function copyLiteral(
  input: Uint8Array,
  inputView: DataView,
  from: number,
  output: Uint8Array,
  outputView: DataView,
  to: number,
  length: number,
): void {
  if (length <= 16 && from + 16 <= input.length && to + 16 <= output.length) {
    outputView.setInt32(to, inputView.getInt32(from, true), true);
    outputView.setInt32(to + 4, inputView.getInt32(from + 4, true), true);
    // Four literals in five are 8 bytes or fewer on log text: that branch predicts well and saves two words.
    if (length <= 8) return;
    outputView.setInt32(to + 8, inputView.getInt32(from + 8, true), true);
    outputView.setInt32(to + 12, inputView.getInt32(from + 12, true), true);
  } else if (from + length + 8 <= input.length && to + length + 8 <= output.length) {
    copyWords(inputView, from, outputView, to, length);
  } else {
    for (let i = 0; i < length; i++) output[to + i] = input[from + i]!;
  }
}

/**
 * Copies a match of `length` bytes starting `distance` bytes back to `output[to, ...)`. When the match overlaps
 * its own output (`distance < length`) the source pattern repeats, as LZ77 defines it. Word copies are exact
 * for overlapping matches too once `distance >= 8` (8-byte strides) or `>= 4` (4-byte strides): each step
 * reads only bytes written before it.
 */
export function copyMatch(output: Uint8Array, outputView: DataView, to: number, distance: number, length: number): void {
  const from = to - distance;
  if (distance >= 8 && to + length + 16 <= output.length) {
    // The first 16 bytes unconditionally (five matches in six are no longer on log text), then 8-byte strides.
    outputView.setInt32(to, outputView.getInt32(from, true), true);
    outputView.setInt32(to + 4, outputView.getInt32(from + 4, true), true);
    outputView.setInt32(to + 8, outputView.getInt32(from + 8, true), true);
    outputView.setInt32(to + 12, outputView.getInt32(from + 12, true), true);
    for (let done = 16; done < length; done += 8) {
      outputView.setInt32(to + done, outputView.getInt32(from + done, true), true);
      outputView.setInt32(to + done + 4, outputView.getInt32(from + done + 4, true), true);
    }
  } else {
    copyCloseMatch(output, outputView, to, distance, length);
  }
}

/**
 * {@link copyMatch} for matches closer than 8 bytes or at the end of the output. Loops only, like the rest of
 * this file: a builtin call (`fill`, `copyWithin`) in a decoder's loop measured a few percent slower overall.
 */
function copyCloseMatch(output: Uint8Array, outputView: DataView, to: number, distance: number, length: number): void {
  const from = to - distance;
  if (distance >= 4 && to + length + 4 <= output.length) {
    for (let done = 0; done < length; done += 4) outputView.setInt32(to + done, outputView.getInt32(from + done, true), true);
  } else if (distance === 1 && to + length + 4 <= output.length) {
    // A run of one byte (zeros, spaces): written a word at a time.
    const word = Math.imul(output[from]!, 0x01010101);
    for (let done = 0; done < length; done += 4) outputView.setInt32(to + done, word, true);
  } else {
    for (let i = 0; i < length; i++) output[to + i] = output[from + i]!;
  }
}
