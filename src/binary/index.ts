export { ByteReader } from './byte-reader.js';
export { ByteWriter } from './byte-writer.js';
export { MIN_INT64, MAX_INT64, int64FromHalves, int64ToHalves, toInt64, lessThanHalves } from './int64.js';
