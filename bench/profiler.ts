/**
 * `--profile`: a V8 CPU profile of each case's timed runs only (not its setup, warm-up or forced collections),
 * written to `.bench-work/profiles/<case>.cpuprofile` for `node bench/profile-summary.mjs`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { REPO_ROOT } from './data.js';
import type { BenchCase, MeasureHooks } from './harness.js';

/** Where the profiles go. */
export const PROFILE_DIR = join(REPO_ROOT, '.bench-work', 'profiles');

/** Posts an inspector command; the in-thread session answers before `post` returns. */
function post(session: Session, method: string, params: object = {}): unknown {
  let result: unknown;
  let failure: Error | null = null;
  session.post(method, params, (error, answer) => {
    failure = error;
    result = answer;
  });
  if (failure) throw failure;
  return result;
}

/** Hooks that profile each case's timed runs; returns them and the list of files written. */
export function profilingHooks(): { hooks: MeasureHooks; written: string[] } {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const session = new Session();
  session.connect();
  post(session, 'Profiler.enable');
  post(session, 'Profiler.setSamplingInterval', { interval: 100 });
  const written: string[] = [];
  const hooks: MeasureHooks = {
    beforeRuns: () => {
      post(session, 'Profiler.start');
    },
    afterRuns: (benchCase: BenchCase) => {
      const { profile } = post(session, 'Profiler.stop') as { profile: unknown };
      const file = join(PROFILE_DIR, `${benchCase.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      written.push(file);
    },
  };
  return { hooks, written };
}
