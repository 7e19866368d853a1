/** Loki's `none` codec (codec 0): blocks stored as they are. */
import { CodecId, withCompressTo, type Codec } from './codec.js';
import { checkedOutputLimit, outputLimitError } from './output-buffer.js';

/** Loki's `none` (codec byte 0): the identity; decompression still honours `maxOutputSize`. */
export const noneCodec: Codec = /*#__PURE__*/ withCompressTo(
  {
    id: CodecId.none,
    name: 'none',
    // A copy, so the caller may reuse its buffer (the other codecs never return their input either).
    compress: (data) => data.slice(),
    decompress(data, options) {
      const limit = checkedOutputLimit(options);
      if (data.length > limit) throw outputLimitError('none', limit, limit);
      return data;
    },
  },
  (data, out) => out.bytes(data),
);
