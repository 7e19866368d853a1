/**
 * Catches allocations from unchecked lengths: in a fuzz worker, every `ArrayBuffer` and typed-array constructor
 * is wrapped so a single allocation above the current ceiling (set per input from the input size and the limits)
 * is refused and recorded. Loaded first in the worker, before any library or codec module captures the
 * constructors. The fuzzer's main thread is left alone; tests call {@link installAllocationGuard}.
 */
import { isMainThread } from 'node:worker_threads';

/** The guard's state for the input being run. */
export const allocationGuard = {
  /** Largest single allocation allowed (bytes). */
  ceiling: Number.POSITIVE_INFINITY,
  /** The first allocation above the ceiling since the last {@link resetAllocationGuard}, if any. */
  exceeded: null as null | { bytes: number; type: string; stack: string },
  /** The largest single allocation since the last reset (its stack is taken only when tracking). */
  largest: { bytes: 0, type: '', stack: '' } as { bytes: number; type: string; stack: string },
  /** Record the stack of each new largest allocation (costly; the fuzz worker turns it on). */
  trackLargest: false as boolean,
};

/** Arms the guard for the next input. */
export function resetAllocationGuard(ceiling: number): void {
  allocationGuard.ceiling = ceiling;
  allocationGuard.exceeded = null;
  allocationGuard.largest = { bytes: 0, type: '', stack: '' };
}

function guard(name: string, bytesPerElement: number): void {
  const original = (globalThis as Record<string, unknown>)[name] as (new (...args: unknown[]) => object) | undefined;
  if (!original) return;
  const proxy: typeof original = new Proxy(original, {
    construct(target, args, newTarget): object {
      const first = args[0];
      if (typeof first === 'number') {
        const bytes = first * bytesPerElement;
        // Small allocations are never interesting: skip the bookkeeping (and the stack) for them.
        if (bytes > allocationGuard.largest.bytes && bytes >= 64 * 1024) {
          allocationGuard.largest = { bytes, type: name, stack: allocationGuard.trackLargest ? (new Error().stack ?? '') : '' };
        }
        if (bytes > allocationGuard.ceiling) {
          allocationGuard.exceeded ??= { bytes, type: name, stack: new Error().stack ?? '' };
          throw new RangeError(`fuzz allocation guard: ${name} of ${bytes} bytes exceeds ${allocationGuard.ceiling}`);
        }
      }
      return Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as object;
    },
  });
  (globalThis as Record<string, unknown>)[name] = proxy;
}

let installed = false;

/**
 * Wraps the constructors (once). Call before importing the code under test: modules that keep a constructor in a
 * variable at load time (fflate's `u8`) only see the guard if it is installed first.
 */
export function installAllocationGuard(): void {
  if (installed) return;
  installed = true;
  guard('ArrayBuffer', 1);
  for (const [name, size] of [
    ['Uint8Array', 1], ['Int8Array', 1], ['Uint8ClampedArray', 1], ['Uint16Array', 2], ['Int16Array', 2],
    ['Uint32Array', 4], ['Int32Array', 4], ['Float32Array', 4], ['Float64Array', 8], ['BigUint64Array', 8], ['BigInt64Array', 8],
  ] as const) {
    guard(name, size);
  }
}

// The fuzz worker loads this module first, so its library modules are all guarded.
if (!isMainThread) installAllocationGuard();
