/** The problems panel: what is damaged or unusual, most severe first, with the error code and byte offset. */
import { h, replaceChildren } from './dom.js';
import { formatCount } from './format.js';
import type { Problem } from './inspection.js';

const ORDER: Record<Problem['severity'], number> = { error: 0, warning: 1, info: 2 };
const ICONS: Record<Problem['severity'], string> = { error: '✖', warning: '▲', info: 'ℹ' };

/** Renders `problems`; hides the panel when there are none. */
export function renderProblems(container: HTMLElement, problems: readonly Problem[]): void {
  container.hidden = problems.length === 0;
  const sorted = [...problems].sort((left, right) => ORDER[left.severity] - ORDER[right.severity]);
  replaceChildren(
    container,
    h('h2', {}, problems.some((problem) => problem.severity === 'error') ? 'Problems' : 'Notes'),
    h(
      'ul',
      { class: 'problems' },
      ...sorted.map((problem) =>
        h(
          'li',
          { class: problem.severity, 'data-code': problem.code ?? null },
          h('span', { class: 'icon', 'aria-label': problem.severity }, ICONS[problem.severity]),
          ' ',
          problem.message,
          problem.code || problem.offset !== undefined
            ? h(
                'span',
                { class: 'muted' },
                ` (${[problem.code, problem.offset === undefined ? '' : `offset ${formatCount(problem.offset)}`].filter(Boolean).join(', ')})`,
              )
            : '',
        ),
      ),
    ),
  );
}
