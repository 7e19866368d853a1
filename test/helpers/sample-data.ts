/** Deterministic sample inputs for codec tests. */

const utf8 = new TextEncoder();

/** `size` bytes of varied logfmt lines (levels, callers, durations, trace ids), the same for the same seed. */
export function logText(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  const levels = ['info', 'warn', 'error', 'debug'];
  let state = seed;
  let at = 0;
  while (at < size) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const line = `ts=2024-03-10T08:${String(state % 60).padStart(2, '0')}:00Z level=${levels[state % 4]} caller=server.go:${state % 997} msg="request served" status=${200 + (state % 5)} duration=${state % 10000}us trace_id=${state.toString(16)}\n`;
    const bytes = utf8.encode(line);
    out.set(bytes.subarray(0, size - at), at);
    at += bytes.length;
  }
  return out;
}

/** `size` pseudo-random bytes (incompressible), the same for the same seed. */
export function randomBytes(size: number, seed = 7): Uint8Array {
  const out = new Uint8Array(size);
  let state = seed;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}
