// The report's one stylesheet, inlined into the page: system fonts only (nothing to fetch), colours as
// custom properties with a dark set under prefers-color-scheme, and chart elements styled by class so the
// SVG follows the scheme too. Series tones follow the Okabe–Ito palette (distinguishable with colour vision
// deficiencies); heat-map levels follow viridis, readable on both backgrounds.
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --panel: #f6f8fa; --border: #d1d9e0;
  --grid: #eaeef2; --axis: #8c959f; --span: rgba(213, 94, 0, 0.13); --link: #0969da;
  --t0: #1f2328; --t1: #0072b2; --t2: #d55e00; --t3: #009e73; --t4: #cc79a7;
  --t5: #e69f00; --t6: #56b4e9; --t7: #8c6d31; --t8: #6e7781;
  --k-gateway: #0072b2; --k-service: #009e73; --k-cache: #e69f00; --k-database: #cc79a7; --k-gpu: #d55e00;
  --node-fill: #ffffff; --best: #1a7f37;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --panel: #161b22; --border: #30363d;
    --grid: #21262d; --axis: #6e7681; --span: rgba(255, 138, 76, 0.16); --link: #4493f8;
    --t0: #e6edf3; --t1: #56a8f5; --t2: #ff8a4c; --t3: #3fcf9b; --t4: #f09bd0;
    --t5: #ffc53d; --t6: #8fd3ff; --t7: #d2a54f; --t8: #9198a1;
    --k-gateway: #56a8f5; --k-service: #3fcf9b; --k-cache: #ffc53d; --k-database: #f09bd0; --k-gpu: #ff8a4c;
    --node-fill: #161b22; --best: #3fb950;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.page, main { max-width: 1080px; margin: 0 auto; padding: 0 24px; }
header.page { padding-top: 28px; padding-bottom: 8px; border-bottom: 1px solid var(--border); }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 40px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.05rem; margin: 24px 0 6px; }
p { margin: 6px 0; }
a { color: var(--link); }
.muted, .subtitle { color: var(--muted); }
nav ul { list-style: none; padding: 0; margin: 10px 0 0; display: flex; flex-wrap: wrap; gap: 6px 18px; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 8px 16px; margin: 12px 0; }
dl.facts div { background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 8px 12px; }
dl.facts dt { color: var(--muted); font-size: 0.8rem; }
dl.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
figure { margin: 16px 0; }
figcaption { font-size: 0.9rem; color: var(--muted); margin-bottom: 4px; }
figcaption strong { color: var(--fg); }
svg.chart { display: block; width: 100%; height: auto; max-width: 100%; overflow: visible; }
svg.chart.call-graph { width: auto; max-width: 100%; height: auto; margin: 0 auto; }
svg text { fill: var(--fg); font-size: 11px; }
svg .tick-label { fill: var(--muted); }
svg .axis-label { font-size: 12px; }
svg .domain, svg .tick { stroke: var(--axis); }
svg .grid { stroke: var(--grid); }
svg rect.plot { fill: none; }
svg .span { fill: var(--span); }
svg .rule line { stroke: var(--muted); stroke-dasharray: 4 3; }
svg .rule text { fill: var(--muted); }
svg .line { fill: none; stroke-width: 1.6; stroke-linejoin: round; stroke-linecap: round; }
svg.small .line { stroke-width: 1.2; }
svg .line.dashed { stroke-dasharray: 5 3; }
svg .band { stroke: none; opacity: 0.22; }
${[0, 1, 2, 3, 4, 5, 6, 7, 8].map((tone) => `svg .t${tone} { stroke: var(--t${tone}); fill: var(--t${tone}); } .swatch.t${tone} { background: var(--t${tone}); }`).join('\n')}
svg .line.t0 { stroke-width: 2; }
svg .line { fill: none; }
.small-multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 4px 16px; }
.small-multiples figure { margin: 6px 0; }
.small-multiples figcaption { margin: 0; font-size: 0.85rem; display: flex; gap: 6px; align-items: baseline; }
.small-multiples figcaption strong { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
.small-multiples figcaption span { flex: none; }
svg.small text { font-size: 13px; }
svg.heat-map .h0 { fill: #440154; } svg.heat-map .h1 { fill: #46327e; } svg.heat-map .h2 { fill: #365c8d; }
svg.heat-map .h3 { fill: #277f8e; } svg.heat-map .h4 { fill: #1fa187; } svg.heat-map .h5 { fill: #4ac16d; }
svg.heat-map .h6 { fill: #a0da39; } svg.heat-map .h7 { fill: #fde725; } svg.heat-map .hm-missing { fill: var(--grid); }
.swatch.h0 { background: #440154; } .swatch.h1 { background: #46327e; } .swatch.h2 { background: #365c8d; }
.swatch.h3 { background: #277f8e; } .swatch.h4 { background: #1fa187; } .swatch.h5 { background: #4ac16d; }
.swatch.h6 { background: #a0da39; } .swatch.h7 { background: #fde725; }
svg .row-label { font-size: 10px; }
svg .row-hit { fill: transparent; }
svg .row-hit:hover { fill: rgba(127, 127, 127, 0.18); }
svg.call-graph .edge { fill: none; stroke: var(--axis); stroke-opacity: 0.75; }
svg.call-graph .edge:hover { stroke: var(--t1); stroke-opacity: 1; }
svg.call-graph .arrow { fill: var(--axis); }
svg.call-graph .node rect { fill: var(--node-fill); stroke-width: 1.6; }
svg.call-graph .node text { font-size: 11px; }
${['gateway', 'service', 'cache', 'database', 'gpu'].map((kind) => `svg .k-${kind} rect { stroke: var(--k-${kind}); } .swatch.k-${kind} { background: var(--k-${kind}); }`).join('\n')}
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 0; margin: 4px 0 0; font-size: 0.85rem; }
ul.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 14px; height: 10px; border-radius: 2px; }
.swatch.line { height: 3px; }
.swatch.dashed { background: repeating-linear-gradient(90deg, currentColor 0 5px, transparent 5px 8px) !important; }
.table-wrap { overflow-x: auto; margin: 12px 0; }
table { border-collapse: collapse; font-size: 0.85rem; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; color: var(--muted); padding-bottom: 6px; font-size: 0.88rem; }
th, td { padding: 4px 7px; border-bottom: 1px solid var(--border); text-align: left; white-space: nowrap; }
thead th { background: var(--panel); font-weight: 600; }
th[colspan] { text-align: center; border-left: 1px solid var(--border); }
td.num, th.num { text-align: right; }
td.group-start, th.group-start { border-left: 1px solid var(--border); }
td.best { font-weight: 700; color: var(--best); }
td.wrap { white-space: normal; overflow-wrap: anywhere; min-width: 12em; }
td .note { display: block; font-size: 0.78rem; color: var(--muted); font-weight: 400; }
dl.settings { margin: 4px 0 12px; font-size: 0.88rem; }
dl.settings div { display: flex; gap: 8px; }
dl.settings dt { font-weight: 600; min-width: 7em; }
dl.settings dd { margin: 0; color: var(--muted); }
.swatch.incident { background: var(--span); outline: 1px solid var(--t2); outline-offset: -1px; }
tr.reference th, tr.reference td { color: var(--muted); font-style: italic; }
tr.reference td.best { color: var(--best); }
.problems li { color: var(--muted); }
footer { max-width: 1080px; margin: 40px auto; padding: 0 24px; color: var(--muted); font-size: 0.85rem; }
`;
