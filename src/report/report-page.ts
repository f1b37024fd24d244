// The HTML document around the sections: one file, nothing to fetch. The Content-Security-Policy forbids
// every fetch (scripts, fonts, images, connections) and allows only the inline stylesheet, so the page
// cannot reach the network even if some text slipped through unescaped.
import { escapeHtml } from './html.js';
import { REPORT_CSS } from './report-style.js';
import type { Section } from './sections/html-parts.js';

export interface PageSpec {
  title: string;
  subtitle: string;
  sections: readonly Section[];
  footer: string;
}

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function reportPage(spec: PageSpec): string {
  const nav = spec.sections
    .map((section) => `<li><a href="#${escapeHtml(section.id)}">${escapeHtml(section.title)}</a></li>`)
    .join('');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(spec.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    `<header class="page"><h1>${escapeHtml(spec.title)}</h1><p class="subtitle">${escapeHtml(spec.subtitle)}</p>`,
    `<nav aria-label="Sections"><ul>${nav}</ul></nav></header>`,
    `<main>${spec.sections.map((section) => section.html).join('\n')}</main>`,
    `<footer>${escapeHtml(spec.footer)}</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
