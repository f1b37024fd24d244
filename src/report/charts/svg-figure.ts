// The frame every chart shares: an <svg> sized by its viewBox (CSS scales it to the page) that a screen
// reader announces as one image, named by its <title> and described by its <desc>.
import { attributes, escapeHtml } from '../html.js';

export interface FigureText {
  /** Unique within the page: the ids of the title and description derive from it. */
  id: string;
  title: string;
  description: string;
}

export function svgFigure(
  text: FigureText,
  width: number,
  height: number,
  body: string,
  className = 'chart',
): string {
  const titleId = `${text.id}-title`;
  const descId = `${text.id}-desc`;
  return (
    `<svg${attributes({
      class: className,
      id: text.id,
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
    })}>` +
    `<title id="${escapeHtml(titleId)}">${escapeHtml(text.title)}</title>` +
    `<desc id="${escapeHtml(descId)}">${escapeHtml(text.description)}</desc>` +
    body +
    '</svg>'
  );
}

/** A number for SVG coordinates: at most one decimal, no trailing zeros, keeping the file small. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}
