// HTML pieces the sections share: figures with captions and legends, fact lists and accessible tables.
import { attributes, escapeHtml } from '../html.js';

export interface Section {
  id: string;
  title: string;
  html: string;
}

export interface LegendItem {
  /** Swatch classes, e.g. "t1 line" or "h3". */
  swatch: string;
  label: string;
}

export function legend(items: readonly LegendItem[]): string {
  if (items.length === 0) return '';
  const entries = items
    .map(
      (item) =>
        `<li><span class="swatch ${escapeHtml(item.swatch)}" aria-hidden="true"></span>${escapeHtml(item.label)}</li>`,
    )
    .join('');
  return `<ul class="legend">${entries}</ul>`;
}

/** A figure: a caption (title in bold, then a sentence on how to read it), the chart and its legend. */
export function figure(
  title: string,
  caption: string,
  chart: string,
  items: readonly LegendItem[] = [],
): string {
  const text = caption === '' ? '' : ` ${escapeHtml(caption)}`;
  return `<figure><figcaption><strong>${escapeHtml(title)}</strong>${text}</figcaption>${chart}${legend(items)}</figure>`;
}

export function facts(entries: readonly [string, string][]): string {
  const items = entries
    .map(([term, value]) => `<div><dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd></div>`)
    .join('');
  return `<dl class="facts">${items}</dl>`;
}

export function section(id: string, title: string, body: string): Section {
  return {
    id,
    title,
    html: `<section id="${escapeHtml(id)}" aria-labelledby="${escapeHtml(id)}-h"><h2 id="${escapeHtml(id)}-h">${escapeHtml(title)}</h2>${body}</section>`,
  };
}

export interface Cell {
  text: string;
  /** Right-aligned (numbers). */
  numeric?: boolean;
  /** The best value of its column: bold. */
  best?: boolean;
  /** A row header (th scope="row") in the body; a column header in the head. */
  header?: boolean;
  colspan?: number;
  rowspan?: number;
  /** The first cell of a column group (draws its left rule). */
  groupStart?: boolean;
  /** A second, smaller line under the text (e.g. a confidence interval). */
  note?: string;
  /** Let long text (paths, descriptions) wrap instead of widening the table. */
  wrap?: boolean;
  /** Extra attributes, e.g. data-value with the unrounded number. */
  data?: Record<string, string | number | undefined>;
}

export interface TableSpec {
  id?: string;
  caption: string;
  head: Cell[][];
  rows: { cells: Cell[]; className?: string }[];
}

export function table(spec: TableSpec): string {
  const cell = (item: Cell, inHead: boolean): string => {
    const classes = [
      item.numeric ? 'num' : '',
      item.best ? 'best' : '',
      item.groupStart ? 'group-start' : '',
      item.wrap ? 'wrap' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const tag = inHead || item.header ? 'th' : 'td';
    const scope =
      tag === 'th' ? (inHead ? (item.colspan !== undefined ? 'colgroup' : 'col') : 'row') : undefined;
    const attrs = attributes({
      ...(classes === '' ? {} : { class: classes }),
      scope,
      colspan: item.colspan,
      rowspan: item.rowspan,
      ...item.data,
    });
    const text = item.best ? `<strong>${escapeHtml(item.text)}</strong>` : escapeHtml(item.text);
    const note = item.note === undefined ? '' : `<span class="note">${escapeHtml(item.note)}</span>`;
    return `<${tag}${attrs}>${text}${note}</${tag}>`;
  };
  const head = spec.head.map((row) => `<tr>${row.map((item) => cell(item, true)).join('')}</tr>`).join('');
  const body = spec.rows
    .map(
      (row) =>
        `<tr${attributes({ class: row.className })}>${row.cells.map((item) => cell(item, false)).join('')}</tr>`,
    )
    .join('');
  return `<div class="table-wrap"><table${attributes({ id: spec.id })}><caption>${escapeHtml(spec.caption)}</caption><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}
