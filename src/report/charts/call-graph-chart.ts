// The call graph as a layered drawing: dagre ranks services from the entry points to the leaves (left to
// right) and routes edges between the layers; each edge's width grows with the square root of its call
// volume, so the busy paths stand out without the rare calls vanishing.
import dagre from '@dagrejs/dagre';
import { scaleSqrt } from 'd3-scale';
import { curveBasis, line as linePath } from 'd3-shape';
import { escapeHtml } from '../html.js';
import { px, svgFigure, type FigureText } from './svg-figure.js';

export interface GraphNode {
  id: string;
  label: string;
  /** CSS class suffix of its colour, e.g. the service kind. */
  kind: string;
  tooltip: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  calls: number;
  tooltip: string;
}

export interface CallGraphSpec extends FigureText {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Rough width of an 11 px label character (no text measuring engine outside a browser). */
const LABEL_CHAR_PX = 6.6;
const NODE_HEIGHT = 22;
const MAX_EDGE_WIDTH = 9;
const MIN_EDGE_WIDTH = 0.8;

interface Point {
  x: number;
  y: number;
}

/** Ranks from callers to callees, left to right. */
function layout(spec: CallGraphSpec) {
  const graph = new dagre.graphlib.Graph({ multigraph: false });
  graph.setGraph({ rankdir: 'LR', nodesep: 10, ranksep: 48, edgesep: 8, marginx: 10, marginy: 10 });
  graph.setDefaultEdgeLabel(() => ({}));
  spec.nodes.forEach((node) =>
    graph.setNode(node.id, { width: 18 + LABEL_CHAR_PX * node.label.length, height: NODE_HEIGHT }),
  );
  spec.edges.forEach((edge) => graph.setEdge(edge.from, edge.to, { weight: 1 }));
  dagre.layout(graph);
  return graph;
}

export function callGraphChart(spec: CallGraphSpec): string {
  // Left to right: labels sit side by side and a graph grows down the page, which scrolls, rather than
  // across it, which would shrink every label (the page draws it at its natural size or narrower).
  const graph = layout(spec);
  const { width = 0, height = 0 } = graph.graph();

  const maxCalls = Math.max(1, ...spec.edges.map((edge) => edge.calls));
  const strokeWidth = scaleSqrt().domain([0, maxCalls]).range([0, MAX_EDGE_WIDTH]);
  const curve = linePath<Point>()
    .x((point) => point.x)
    .y((point) => point.y)
    .curve(curveBasis)
    .digits(1);
  const edges = spec.edges
    .map((edge) => {
      const points = (graph.edge(edge.from, edge.to)?.points ?? []) as Point[];
      const widthPx = Math.max(MIN_EDGE_WIDTH, strokeWidth(edge.calls));
      return `<path class="edge" d="${curve(points) ?? ''}" stroke-width="${px(widthPx)}" marker-end="url(#${escapeHtml(spec.id)}-arrow)"><title>${escapeHtml(edge.tooltip)}</title></path>`;
    })
    .join('');
  const nodes = spec.nodes
    .map((node) => {
      const { x = 0, y = 0, width: w = 0, height: h = 0 } = graph.node(node.id);
      return (
        `<g class="node k-${escapeHtml(node.kind)}"><title>${escapeHtml(node.tooltip)}</title>` +
        `<rect x="${px(x - w / 2)}" y="${px(y - h / 2)}" width="${px(w)}" height="${px(h)}" rx="5"/>` +
        `<text x="${px(x)}" y="${px(y)}" dy="0.34em" text-anchor="middle">${escapeHtml(node.label)}</text></g>`
      );
    })
    .join('');
  const marker =
    `<defs><marker id="${escapeHtml(spec.id)}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" ` +
    `markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path class="arrow" d="M0 0L10 5L0 10z"/></marker></defs>`;
  return svgFigure(
    spec,
    Math.ceil(width),
    Math.ceil(height),
    `${marker}<g class="edges">${edges}</g><g class="nodes">${nodes}</g>`,
    'chart call-graph',
  );
}
