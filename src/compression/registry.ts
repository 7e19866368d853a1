/**
 * A registry of codecs by Loki codec byte and name. It is an instance, never a global: pass your own to the
 * reader and writer (`{ codecs }`) to add a codec or replace a built-in one with a faster implementation.
 */
import { LokiChunkError } from '../errors.js';
import { CodecId, type Codec } from './codec.js';

const SAMPLE = /*#__PURE__*/ new TextEncoder().encode(
  'level=info ts=2024-03-10T08:00:00.123456789Z msg="loki-chunk codec self-test" caller=registry.ts:1 '.repeat(8),
);

/** Options for {@link CodecRegistry.register}. */
export interface RegisterOptions {
  /** Round-trip a sample through the codec before accepting it (default `true`). */
  verify?: boolean;
}

/** Maps Loki codec bytes and names to {@link Codec} implementations. */
export class CodecRegistry {
  private readonly byId = new Map<number, Codec>();
  private readonly byName = new Map<string, Codec>();
  private frozen = false;

  /** A registry holding `codecs` (registered without the self-test). */
  constructor(codecs: Iterable<Codec> = []) {
    for (const codec of codecs) this.add(codec);
  }

  /**
   * Adds or replaces a codec. Unless `verify: false`, a sample is compressed and decompressed first and the
   * codec is refused if it does not give the sample back.
   * @throws {LokiChunkError} `INVALID_ARGUMENT` for a bad id, a codec that fails the round trip, or a frozen
   *   registry.
   */
  register(codec: Codec, options: RegisterOptions = {}): this {
    if (this.frozen) {
      throw new LokiChunkError(
        'INVALID_ARGUMENT',
        'this codec registry is frozen (the shared default registry is): register on its clone() or on your own createCodecRegistry()',
      );
    }
    if (!Number.isInteger(codec.id) || codec.id < 0 || codec.id > 255) {
      throw new LokiChunkError('INVALID_ARGUMENT', `codec id must be a byte, got ${codec.id}`);
    }
    if (codec.id === CodecId.dumb) {
      throw new LokiChunkError('INVALID_ARGUMENT', 'codec byte 2 is reserved for Loki\'s unsupported "dumb" codec');
    }
    if (options.verify !== false) verifyRoundTrip(codec);
    this.add(codec);
    return this;
  }

  /** The codec for a Loki codec byte or name, or `undefined`. */
  find(idOrName: number | string): Codec | undefined {
    return typeof idOrName === 'number' ? this.byId.get(idOrName) : this.byName.get(idOrName);
  }

  /**
   * The codec for a Loki codec byte or name.
   * @throws {LokiChunkError} `UNSUPPORTED_ENCODING` when none is registered (always for `dumb`).
   */
  get(idOrName: number | string): Codec {
    const codec = this.find(idOrName);
    if (codec) return codec;
    if (idOrName === CodecId.dumb || idOrName === 'dumb') {
      throw new LokiChunkError('UNSUPPORTED_ENCODING', 'codec 2 ("dumb") is not supported, by Loki or by loki-chunk');
    }
    throw new LokiChunkError('UNSUPPORTED_ENCODING', `no codec registered for ${JSON.stringify(idOrName)}`);
  }

  /** Every registered codec, by ascending codec byte. */
  list(): Codec[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  /** Refuses every later {@link register} call, so a registry shared by many callers cannot change under them. */
  freeze(): this {
    this.frozen = true;
    return this;
  }

  /** Whether {@link freeze} was called. */
  get isFrozen(): boolean {
    return this.frozen;
  }

  /** A new registry with the same codecs (never frozen), to extend without touching this one. */
  clone(): CodecRegistry {
    return new CodecRegistry(this.byId.values());
  }

  private add(codec: Codec): void {
    this.byId.set(codec.id, codec);
    this.byName.set(codec.name, codec);
  }
}

function verifyRoundTrip(codec: Codec): void {
  let back: Uint8Array;
  try {
    back = codec.decompress(codec.compress(SAMPLE), { maxOutputSize: SAMPLE.length * 4 });
  } catch (error) {
    throw new LokiChunkError('INVALID_ARGUMENT', `codec ${codec.name} failed its self-test: ${String(error)}`, {
      cause: error,
    });
  }
  if (back.length !== SAMPLE.length || back.some((b, i) => b !== SAMPLE[i])) {
    throw new LokiChunkError('INVALID_ARGUMENT', `codec ${codec.name} failed its self-test: round trip changed the data`);
  }
}
