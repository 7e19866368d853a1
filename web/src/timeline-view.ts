/**
 * The timeline: every block as a bar from its mint to its maxt, overlapping blocks on separate lanes (an
 * unordered chunk's blocks often overlap), coloured by status, with the entry filter's time range shaded.
 */
import { blockKey } from './blocks-view.js';
import { h, replaceChildren, svg } from './dom.js';
import { formatCount, formatDuration, formatTimestamp } from './format.js';
import type { BlockRow } from './inspection.js';

const WIDTH = 1000;
const LANE_HEIGHT = 18;
const LANE_GAP = 4;
/** Axis labels: the two ends in full and the offset of the middle. */
const TICKS = 2;

/** Lane per block, so that blocks whose time ranges overlap never share one. */
function assignLanes(rows: readonly BlockRow[]): Map<BlockRow, number> {
  const laneEnds: bigint[] = [];
  const lanes = new Map<BlockRow, number>();
  const sorted = rows.filter((row) => row.mint !== null && row.maxt !== null).sort((left, right) => (left.mint! < right.mint! ? -1 : left.mint! > right.mint! ? 1 : 0));
  for (const row of sorted) {
    let lane = laneEnds.findIndex((end) => end < row.mint!);
    if (lane === -1) lane = laneEnds.push(row.maxt!) - 1;
    else laneEnds[lane] = row.maxt!;
    lanes.set(row, lane);
  }
  return lanes;
}

/** Maps a timestamp into `[0, WIDTH]`. */
function scale(min: bigint, max: bigint): (time: bigint) => number {
  const span = max - min;
  if (span <= 0n) return () => WIDTH / 2;
  return (time: bigint) => (Number(time - min) / Number(span)) * WIDTH;
}

/** Renders the timeline; `onSelect` is called when a bar is clicked or activated with Enter/Space. */
export function renderTimeline(
  container: HTMLElement,
  rows: readonly BlockRow[],
  range: { min: bigint; max: bigint } | null,
  onSelect: (row: BlockRow) => void,
): void {
  if (!range) {
    replaceChildren(container, h('p', { class: 'muted' }, 'No blocks with a time range.'));
    return;
  }
  const lanes = assignLanes(rows);
  const laneCount = Math.max(1, ...[...lanes.values()].map((lane) => lane + 1));
  const height = laneCount * (LANE_HEIGHT + LANE_GAP) - LANE_GAP;
  const x = scale(range.min, range.max);
  const chart = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${height}`,
    preserveAspectRatio: 'none',
    class: 'timeline',
    role: 'group',
    'aria-label': `Timeline of ${rows.length} blocks`,
    style: `height: ${height}px`,
  });
  chart.append(svg('rect', { class: 'filter-band', x: 0, y: 0, width: 0, height, visibility: 'hidden' }));
  for (const [row, lane] of lanes) {
    const left = x(row.mint!);
    const width = Math.max(3, x(row.maxt!) - left);
    const label = `Block ${row.metaIndex ?? `at ${row.offset}`}: ${formatTimestamp(row.mint!)} – ${formatTimestamp(row.maxt!)}, ${
      row.entryCount === null ? '?' : formatCount(row.entryCount)
    } entries, ${row.status}`;
    const bar = svg(
      'rect',
      {
        class: `bar ${row.status}`,
        'data-block': blockKey(row),
        x: Math.min(left, WIDTH - width),
        y: lane * (LANE_HEIGHT + LANE_GAP),
        width,
        height: LANE_HEIGHT,
        rx: 3,
        tabindex: row.status === 'skipped' ? -1 : 0,
        role: 'button',
        'aria-label': label,
      },
      svg('title', {}, label),
    );
    if (row.status !== 'skipped') {
      bar.addEventListener('click', () => onSelect(row));
      bar.addEventListener('keydown', (event) => {
        const key = (event as KeyboardEvent).key;
        if (key === 'Enter' || key === ' ') {
          event.preventDefault();
          onSelect(row);
        }
      });
    }
    chart.append(bar);
  }
  // Labels are HTML, not SVG text: the chart stretches to the page width and would distort them.
  const axis = h('div', { class: 'timeline-axis' });
  const span = range.max - range.min;
  for (let tick = 0; tick <= TICKS; tick++) {
    const position = (tick / TICKS) * WIDTH;
    chart.append(svg('line', { class: 'tick', x1: position, x2: position, y1: 0, y2: height, 'vector-effect': 'non-scaling-stroke' }));
    const text =
      tick === 0 ? formatTimestamp(range.min) : tick === TICKS ? formatTimestamp(range.max) : `+${formatDuration((span * BigInt(tick)) / BigInt(TICKS))}`;
    const edge = tick === 0 ? 'start' : tick === TICKS ? 'end' : 'middle';
    axis.append(h('span', { class: `tick-label ${edge}`, style: `left: ${(100 * tick) / TICKS}%` }, text));
  }
  replaceChildren(container, h('div', { class: 'timeline-frame' }, chart, axis));
  chart.dataset.min = range.min.toString();
  chart.dataset.max = range.max.toString();
}

/** Shades the filter's time range on the timeline (hidden when the filter has no time bounds). */
export function shadeTimeline(container: HTMLElement, from: bigint | null, to: bigint | null, selectedKey: string | null): void {
  const chart = container.querySelector<SVGSVGElement>('svg.timeline');
  const band = chart?.querySelector<SVGRectElement>('rect.filter-band');
  if (!chart || !band) return;
  for (const bar of chart.querySelectorAll<SVGRectElement>('rect.bar')) {
    bar.classList.toggle('selected', bar.dataset.block === selectedKey);
  }
  if (from === null && to === null) {
    band.setAttribute('visibility', 'hidden');
    return;
  }
  const x = scale(BigInt(chart.dataset.min ?? '0'), BigInt(chart.dataset.max ?? '0'));
  const left = from === null ? 0 : Math.max(0, Math.min(WIDTH, x(from)));
  const right = to === null ? WIDTH : Math.max(0, Math.min(WIDTH, x(to)));
  band.setAttribute('x', String(left));
  band.setAttribute('width', String(Math.max(2, right - left)));
  band.setAttribute('visibility', 'visible');
}
