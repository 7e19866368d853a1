/**
 * The chunk inspector page: open a chunk (drop, pick, or URL), then show its summary, problems, timeline,
 * block table and entries. Everything runs here, in the browser, through the bundled library.
 */
import { renderBlocks, highlightBlock, blockKey } from './blocks-view.js';
import { byId } from './dom.js';
import { renderEntryDetail } from './entry-detail.js';
import { NO_ENTRIES, type EntryColumns } from './entry-columns.js';
import { filterEntries, type EntryFilter } from './entry-filter.js';
import { EntryList } from './entry-list.js';
import { formatCount, formatTimestamp } from './format.js';
import { inspectBytes, problemFrom } from './inspect-bytes.js';
import { inspectUrl } from './inspect-url.js';
import type { BlockRow, EntryRequest, Inspection } from './inspection.js';
import { renderProblems } from './problems-view.js';
import { renderSummary } from './summary-view.js';
import { parseTimeInput } from './time-input.js';
import { renderTimeline, shadeTimeline } from './timeline-view.js';

/** Milliseconds of typing quiet before the filter runs. */
const FILTER_DELAY = 120;

const elements = {
  fileInput: byId<HTMLInputElement>('file-input'),
  urlForm: byId<HTMLFormElement>('url-form'),
  urlInput: byId<HTMLInputElement>('url-input'),
  status: byId<HTMLElement>('status'),
  results: byId<HTMLElement>('results'),
  summary: byId<HTMLElement>('summary'),
  problems: byId<HTMLElement>('problems'),
  timeline: byId<HTMLElement>('timeline'),
  blocks: byId<HTMLElement>('blocks'),
  filterForm: byId<HTMLFormElement>('filter-form'),
  from: byId<HTMLInputElement>('filter-from'),
  to: byId<HTMLInputElement>('filter-to'),
  text: byId<HTMLInputElement>('filter-text'),
  direction: byId<HTMLSelectElement>('filter-direction'),
  clear: byId<HTMLButtonElement>('filter-clear'),
  load: byId<HTMLButtonElement>('load-entries'),
  filterError: byId<HTMLElement>('filter-error'),
  entryCount: byId<HTMLElement>('entry-count'),
  list: byId<HTMLElement>('entry-list'),
  detail: byId<HTMLElement>('entry-detail'),
};

/** What is on screen. */
const state = {
  inspection: null as Inspection | null,
  entries: NO_ENTRIES as EntryColumns,
  /** The request the loaded entries answer (range reading loads per request). */
  loaded: null as EntryRequest | null,
  filter: { from: null, to: null, text: '' } as EntryFilter,
  selectedBlock: null as string | null,
  /** Increases with every open, so a slow load cannot overwrite a newer chunk. */
  generation: 0,
};

const list = new EntryList(elements.list, (index) => {
  const position = index === null ? '' : `entry ${formatCount(index + 1)} of ${formatCount(state.entries.count)}`;
  renderEntryDetail(elements.detail, index === null ? null : state.entries.entry(index), position);
});

function setStatus(text: string, kind: 'idle' | 'loading' | 'ready' | 'error'): void {
  elements.status.textContent = text;
  elements.status.dataset.kind = kind;
  document.body.dataset.state = kind;
  // Counts finished opens, so scripts (and the browser tests) can wait for the next one.
  if (kind === 'ready' || kind === 'error') document.body.dataset.opened = String(state.generation);
}

/** Runs `open` and shows its inspection, timing it; stale results (a newer open started) are dropped. */
async function show(label: string, open: () => Promise<Inspection>): Promise<void> {
  const generation = ++state.generation;
  setStatus(`Reading ${label}…`, 'loading');
  const started = performance.now();
  let inspection: Inspection;
  try {
    inspection = await open();
  } catch (error) {
    if (generation !== state.generation) return;
    setStatus(`Cannot open ${label}: ${problemFrom(error).message}`, 'error');
    return;
  }
  if (generation !== state.generation) return;
  state.inspection = inspection;
  state.entries = NO_ENTRIES;
  state.loaded = null;
  state.selectedBlock = null;
  clearFilterInputs();
  renderInspection(inspection);
  elements.results.hidden = false;
  if (inspection.access === 'memory') await loadEntries();
  else showEntries();
  if (generation !== state.generation) return;
  const took = Math.round(performance.now() - started);
  setStatus(`${label}: read in ${took} ms${inspection.access === 'ranges' ? ' (entries are fetched on request)' : ''}.`, 'ready');
}

function renderInspection(inspection: Inspection): void {
  renderSummary(elements.summary, inspection.summary, inspection.readStats());
  renderProblems(elements.problems, inspection.problems);
  renderTimeline(elements.timeline, inspection.blocks, inspection.summary.timeRange, selectBlock);
  renderBlocks(elements.blocks, inspection.blocks, selectBlock);
  elements.direction.replaceChildren(
    ...inspection.directions.map((direction) => new Option(direction === 'forward' ? 'forward (oldest first)' : 'backward (newest first)', direction)),
  );
  elements.direction.disabled = inspection.directions.length < 2;
  elements.load.hidden = inspection.access !== 'ranges';
}

/** Loads entries for the current direction (and, when reading ranges, the current time range). */
async function loadEntries(): Promise<void> {
  const inspection = state.inspection;
  if (!inspection) return;
  const generation = state.generation;
  const request: EntryRequest = {
    direction: elements.direction.value === 'backward' ? 'backward' : 'forward',
    from: state.filter.from,
    to: state.filter.to,
  };
  elements.load.disabled = true;
  try {
    const entries = await inspection.loadEntries(request);
    if (generation !== state.generation) return;
    state.entries = entries;
    state.loaded = request;
  } catch (error) {
    if (generation !== state.generation) return;
    inspection.problems.push(problemFrom(error, 'error', 'Loading entries failed: '));
  } finally {
    elements.load.disabled = false;
  }
  // Range reading updates what is known of the blocks and the byte counters.
  renderSummary(elements.summary, inspection.summary, inspection.readStats());
  renderProblems(elements.problems, inspection.problems);
  if (inspection.access === 'ranges') {
    renderBlocks(elements.blocks, inspection.blocks, selectBlock);
    renderTimeline(elements.timeline, inspection.blocks, inspection.summary.timeRange, selectBlock);
  }
  showEntries();
}

/** Applies the filter to the loaded entries and refreshes the list, the count and the highlights. */
function showEntries(): void {
  const visible = filterEntries(state.entries, state.filter);
  list.show(state.entries, visible);
  const total = state.entries.count;
  const ranges = state.inspection?.access === 'ranges';
  elements.entryCount.textContent =
    ranges && !state.loaded
      ? 'not loaded yet: choose a time range or a block, then “Load entries”'
      : visible.length === total
        ? `${formatCount(total)} ${total === 1 ? 'entry' : 'entries'}`
        : `${formatCount(visible.length)} of ${formatCount(total)} entries`;
  elements.entryCount.dataset.shown = String(visible.length);
  elements.entryCount.dataset.total = String(total);
  highlightBlock(elements.blocks, state.selectedBlock);
  shadeTimeline(elements.timeline, state.filter.from, state.filter.to, state.selectedBlock);
}

/** Reads the filter inputs; shows the first parse error and keeps the previous filter when there is one. */
function readFilter(): EntryFilter | null {
  const from = parseTimeInput(elements.from.value);
  const to = parseTimeInput(elements.to.value);
  const errors = [from.ok ? '' : `From: ${from.message}`, to.ok ? '' : `To: ${to.message}`].filter(Boolean);
  elements.from.setAttribute('aria-invalid', String(!from.ok));
  elements.to.setAttribute('aria-invalid', String(!to.ok));
  elements.filterError.textContent = errors.join('; ');
  if (!from.ok || !to.ok) return null;
  return { from: from.value, to: to.value, text: elements.text.value };
}

/** Applies the filter inputs (when valid); `selectedBlock` is the block whose range they now hold, if any. */
function applyFilter(selectedBlock: string | null): boolean {
  const filter = readFilter();
  if (!filter) return false;
  state.filter = filter;
  state.selectedBlock = selectedBlock;
  showEntries();
  return true;
}

/** The text a time field shows for a bound: ISO when a Date can hold it, else nanoseconds. */
function timeForInput(ns: bigint): string {
  const text = formatTimestamp(ns);
  return text.endsWith(' ns') ? ns.toString() : text;
}

function clearFilterInputs(): void {
  elements.from.value = '';
  elements.to.value = '';
  elements.text.value = '';
  elements.filterError.textContent = '';
  state.filter = { from: null, to: null, text: '' };
}

/** A block was chosen (timeline or table): filter to its time range, loading its entries when reading ranges. */
function selectBlock(row: BlockRow): void {
  if (row.mint === null || row.maxt === null) return;
  elements.from.value = timeForInput(row.mint);
  elements.to.value = timeForInput(row.maxt);
  if (applyFilter(blockKey(row)) && state.inspection?.access === 'ranges') void loadEntries();
  elements.list.focus({ preventScroll: true });
  elements.list.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

// Inputs -------------------------------------------------------------------------------------------------

let filterTimer: ReturnType<typeof setTimeout> | undefined;
for (const input of [elements.from, elements.to, elements.text]) {
  input.addEventListener('input', () => {
    clearTimeout(filterTimer);
    // Editing the text keeps the selected block; editing a bound leaves it.
    filterTimer = setTimeout(() => applyFilter(input === elements.text ? state.selectedBlock : null), FILTER_DELAY);
  });
}
elements.filterForm.addEventListener('submit', (event) => {
  event.preventDefault();
  clearTimeout(filterTimer);
  if (applyFilter(state.selectedBlock) && state.inspection?.access === 'ranges') void loadEntries();
});
elements.direction.addEventListener('change', () => void loadEntries());
elements.clear.addEventListener('click', () => {
  clearFilterInputs();
  state.selectedBlock = null;
  showEntries();
});

async function openFiles(files: readonly File[]): Promise<void> {
  if (files.length === 0) return;
  const head = files.find((file) => file.name.endsWith('.head'));
  const chunk = files.find((file) => file !== head) ?? null;
  if (!chunk) {
    setStatus('A .head file needs its checkpoint .chunk: drop or pick both together.', 'error');
    return;
  }
  const label = head ? `${chunk.name} + ${head.name}` : chunk.name;
  await show(label, async () => {
    const bytes = new Uint8Array(await chunk.arrayBuffer());
    const headBytes = head ? new Uint8Array(await head.arrayBuffer()) : undefined;
    return inspectBytes(bytes, chunk.name, headBytes);
  });
}

function openUrl(url: string): void {
  const absolute = new URL(url, location.href).href;
  void show(absolute, () => inspectUrl(absolute));
}

elements.fileInput.addEventListener('change', () => {
  void openFiles([...(elements.fileInput.files ?? [])]);
  elements.fileInput.value = ''; // Picking the same file again must reload it.
});
elements.urlForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const url = elements.urlInput.value.trim();
  if (url) openUrl(url);
});

// Drag and drop anywhere on the page.
let dragDepth = 0;
window.addEventListener('dragenter', (event) => {
  if (!event.dataTransfer?.types.includes('Files')) return;
  dragDepth++;
  document.body.classList.add('dragging');
});
window.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) document.body.classList.remove('dragging');
});
window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', (event) => {
  event.preventDefault();
  dragDepth = 0;
  document.body.classList.remove('dragging');
  void openFiles([...(event.dataTransfer?.files ?? [])]);
});

// `?url=` opens a chunk right away, so a link can point at one.
const initialUrl = new URLSearchParams(location.search).get('url');
if (initialUrl) {
  elements.urlInput.value = initialUrl;
  openUrl(initialUrl);
} else {
  setStatus('Drop a chunk file anywhere on this page, pick one, or open one by URL.', 'idle');
}
