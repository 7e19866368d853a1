export { crc32c } from './crc32c.js';
export { crc32 } from './crc32.js';
