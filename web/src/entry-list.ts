/**
 * The entry list with virtual scrolling: only the rows in view (plus a margin) exist in the DOM, positioned
 * inside a spacer as tall as the whole list, so 10,000+ entries scroll as smoothly as ten. Keyboard: arrows,
 * Page Up/Down, Home/End move the selection; the selected entry is shown in full by the detail panel.
 */
import { h, replaceChildren } from './dom.js';
import type { EntryColumns } from './entry-columns.js';
import { NO_ENTRIES } from './entry-columns.js';
import { formatTimestamp } from './format.js';

/** Row height in CSS pixels (fixed, so a position maps to a row by division). Keep in sync with style.css. */
export const ROW_HEIGHT = 24;
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 10;
/** Characters of a line shown in its row (the detail panel shows all of it). */
const ROW_TEXT_LIMIT = 500;

/** A virtually scrolled, keyboard-navigable list of entries. */
export class EntryList {
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private entries: EntryColumns = NO_ENTRIES;
  private visible: Uint32Array = new Uint32Array(0);
  private selected = -1;
  private renderQueued = false;

  /**
   * @param viewport the scrolling element (focusable, `role="grid"`).
   * @param onSelect called with the selected entry's index in `entries`, or `null`.
   */
  constructor(viewport: HTMLElement, private readonly onSelect: (index: number | null) => void) {
    this.viewport = viewport;
    this.spacer = h('div', { class: 'spacer', role: 'presentation' });
    viewport.append(this.spacer);
    viewport.addEventListener('scroll', () => this.queueRender(), { passive: true });
    viewport.addEventListener('keydown', (event) => this.onKey(event));
    viewport.addEventListener('click', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('[data-position]');
      if (row) this.select(Number(row.dataset.position), false);
    });
    new ResizeObserver(() => this.queueRender()).observe(viewport);
  }

  /** Shows `visible` (positions into `entries`); keeps the selection when the same entry is still listed. */
  show(entries: EntryColumns, visible: Uint32Array): void {
    const previous = this.selected >= 0 && this.entries === entries ? this.visible[this.selected] : undefined;
    this.entries = entries;
    this.visible = visible;
    for (const row of this.pool) delete row.dataset.index; // Rows must be refilled: the entries may differ.
    this.viewport.setAttribute('aria-rowcount', String(visible.length));
    this.spacer.style.height = `${visible.length * ROW_HEIGHT}px`;
    this.selected = previous === undefined ? -1 : visible.indexOf(previous);
    if (this.selected === -1) this.viewport.scrollTop = 0;
    this.onSelect(this.selected === -1 ? null : visible[this.selected]!);
    this.render();
  }

  /** Number of listed entries. */
  get size(): number {
    return this.visible.length;
  }

  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  private render(): void {
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const inView = Math.ceil(this.viewport.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(this.visible.length, first + inView);
    while (this.pool.length < last - first) {
      const row = h('div', { class: 'entry', role: 'row' });
      this.pool.push(row);
      this.spacer.append(row);
    }
    for (let slot = 0; slot < this.pool.length; slot++) {
      const row = this.pool[slot]!;
      const position = first + slot;
      if (position >= last) {
        row.hidden = true;
        row.removeAttribute('id');
        continue;
      }
      row.hidden = false;
      this.fill(row, position);
    }
    const active = this.selected >= first && this.selected < last ? `entry-row-${this.selected}` : null;
    if (active) this.viewport.setAttribute('aria-activedescendant', active);
    else this.viewport.removeAttribute('aria-activedescendant');
  }

  private fill(row: HTMLElement, position: number): void {
    const index = this.visible[position]!;
    if (row.dataset.position === String(position) && row.dataset.index === String(index) && row.isConnected) {
      row.classList.toggle('selected', position === this.selected);
      row.setAttribute('aria-selected', String(position === this.selected));
      return;
    }
    const entry = this.entries.entry(index);
    row.dataset.position = String(position);
    row.dataset.index = String(index);
    row.id = `entry-row-${position}`;
    row.style.transform = `translateY(${position * ROW_HEIGHT}px)`;
    row.setAttribute('aria-rowindex', String(position + 1));
    row.setAttribute('aria-selected', String(position === this.selected));
    row.classList.toggle('selected', position === this.selected);
    row.classList.toggle('odd', position % 2 === 1);
    const line = entry.line;
    const metadata = entry.structuredMetadata.map(([name, value]) => `${name}=${value}`).join(' ');
    replaceChildren(
      row,
      h('span', { class: 'ts', role: 'gridcell', 'data-ns': entry.timestamp.toString() }, formatTimestamp(entry.timestamp)),
      h('span', { class: 'line', role: 'gridcell' }, line.length > ROW_TEXT_LIMIT ? `${line.slice(0, ROW_TEXT_LIMIT)}…` : line),
      h('span', { class: 'sm', role: 'gridcell' }, metadata.length > ROW_TEXT_LIMIT ? `${metadata.slice(0, ROW_TEXT_LIMIT)}…` : metadata),
    );
  }

  /** Selects the entry at `position` in the list, scrolling it into view. */
  select(position: number, scroll = true): void {
    if (this.visible.length === 0) return;
    this.selected = Math.max(0, Math.min(this.visible.length - 1, position));
    if (scroll) this.scrollToPosition(this.selected);
    this.onSelect(this.visible[this.selected]!);
    this.render();
  }

  private scrollToPosition(position: number): void {
    const top = position * ROW_HEIGHT;
    const bottom = top + ROW_HEIGHT;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (bottom > this.viewport.scrollTop + this.viewport.clientHeight) this.viewport.scrollTop = bottom - this.viewport.clientHeight;
  }

  private onKey(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: this.selected + 1,
      ArrowUp: this.selected - 1,
      PageDown: this.selected + page,
      PageUp: this.selected - page,
      Home: 0,
      End: this.visible.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    this.select(this.selected === -1 && event.key !== 'End' ? 0 : target);
  }
}
