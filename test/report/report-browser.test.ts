// The report as a reader sees it: rendered for a simulated run, a trained model and a simulation result,
// opened in headless Chromium. Checks the charts, tables and numbers on the page, that the page fetched
// nothing but itself, and that light and dark mode both apply; leaves screenshots behind as artifacts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { evaluateModelDir, type EvaluateResult } from '../../src/model/evaluate-model-dir.js';
import { buildReport, type ReportResult } from '../../src/report/build-report.js';
import { formatValue } from '../../src/report/html.js';
import { tempDir } from '../cli.js';
import { launchChromium, openFile } from '../helpers/chromium.js';
import { profiledRun, tinyModel } from './cli-fixtures.js';
import { simulationFixture } from './simulation-fixture.js';

const tmp = tempDir('report-browser');
process.on('exit', () => tmp[Symbol.dispose]());
// Screenshots outlive the test so that a person (or CI) can look at them.
const artifacts = mkdtempSync(join(tmpdir(), 'rescape-report-artifacts-'));
const run = join(tmp.path, 'run');
// The model's directory name reaches the page as its label: markup in it must stay text.
const modelDir = join(tmp.path, 'gat-gru "<img src=x onerror=alert(1)>"');
const label = 'gat-gru (gat-gru "<img src=x onerror=alert(1)>")';
const out = join(tmp.path, 'report.html');

let browser: Browser;
let evaluated: EvaluateResult;
let report: ReportResult;

before(async () => {
  await profiledRun(run, '2h', 4);
  await tinyModel(run, modelDir);
  const simulation = join(tmp.path, 'simulation.json');
  writeFileSync(simulation, JSON.stringify(simulationFixture()));
  report = await buildReport(
    { runDir: run, modelDirs: [modelDir], simulation, out },
    { now: () => new Date('2026-01-01T00:00:00Z') },
  );
  evaluated = await evaluateModelDir(modelDir, [run]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

test('the report shows its charts, tables and numbers, and fetches nothing but itself', async (t) => {
  assert.deepEqual(report.sections, ['overview', 'load', 'services', 'call-graph', 'models', 'simulation']);
  const { page, requests, url } = await openFile(browser, out);
  try {
    assert.deepEqual(requests, [url], 'no request besides the page itself');
    const sections = await Promise.all(
      (await page.locator('main > section').all()).map((section) => section.getAttribute('id')),
    );
    assert.deepEqual(sections, report.sections);

    // Run: 6 ecommerce services, each with its CPU chart and heat-map row; the call graph has every edge.
    assert.equal(await page.locator('#cpu-small-multiples svg.chart').count(), 6);
    assert.equal(await page.locator('svg.heat-map .row-label').count(), 6);
    assert.ok((await page.locator('svg.call-graph g.node').count()) >= 4);
    assert.equal(
      await page.locator('svg.call-graph path.edge').count(),
      await page.locator('#top-edges tbody tr').count(),
      'every edge drawn and listed (fewer than 12 here)',
    );
    for (const id of ['load-concurrency', 'load-throughput', 'load-latency', 'load-errors']) {
      assert.equal(await page.locator(`svg#${id} path.line`).count(), id === 'load-latency' ? 2 : 1, id);
    }
    assert.deepEqual(await page.locator('svg#load-latency .axis-label').allTextContents(), [
      'latency (ms)',
      'time since start (min)',
    ]);

    // Model: the table holds exactly what `evaluate` computes, and the label stayed text.
    const mae = evaluated.test.models[0]!.horizons[0]!.mae;
    const cell = page.locator('#forecast-errors tr.model td[data-horizon="30"][data-metric="mae"]');
    assert.equal(await cell.getAttribute('data-value'), String(mae));
    assert.equal((await cell.textContent())?.trim(), formatValue(mae));
    assert.equal(
      await page.locator('#forecast-errors tbody tr').count(),
      3,
      'the model, last value, seasonal naive',
    );
    assert.equal(
      (await page.locator('#forecast-errors td.best').count()) >= 4,
      true,
      'a best value per column',
    );
    assert.equal(await page.locator('#models-trained tbody th').first().textContent(), label);
    assert.equal(
      await page.locator('img').count(),
      0,
      'markup from a directory name never becomes an element',
    );
    assert.equal(
      await page.locator('svg[id^="forecast-"]').count(),
      4,
      'truth against forecast for the 4 busiest',
    );
    assert.equal(await page.locator('svg[id^="forecast-"]').first().locator('path.line').count(), 2);

    // Simulation: a summary row and a line per policy.
    assert.equal(await page.locator('#policy-summary tbody tr').count(), 3);
    assert.equal(
      await page
        .locator('#policy-summary td[data-policy="predictive"][data-metric="meanResponseMs"]')
        .getAttribute('class'),
      'num best',
    );
    assert.equal(await page.locator('svg#sim-meanResponseMs path.line').count(), 3);

    // Accessibility: every chart is a named, described image; every table has a caption.
    const charts = await page.locator('svg.chart').count();
    assert.ok(charts >= 20, `${charts} charts`);
    assert.equal(await page.locator('svg.chart[role="img"][aria-labelledby]').count(), charts);
    assert.equal(await page.locator('svg.chart > title').count(), charts);
    assert.equal(await page.locator('svg.chart > desc').count(), charts);
    assert.equal(await page.locator('table > caption').count(), await page.locator('table').count());

    const screenshot = join(artifacts, 'report-light.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    t.diagnostic(`screenshot: ${screenshot}`);
  } finally {
    await page.close();
  }
});

test('light and dark mode follow the reader’s colour scheme', async (t) => {
  const colours: Record<string, string> = {};
  for (const scheme of ['light', 'dark'] as const) {
    const { page, requests, url } = await openFile(browser, out, { colorScheme: scheme });
    try {
      assert.deepEqual(requests, [url]);
      colours[scheme] = String(await page.evaluate('getComputedStyle(document.body).backgroundColor'));
      const stroke = String(
        await page.evaluate('getComputedStyle(document.querySelector("#load-latency .line.t1")).stroke'),
      );
      colours[`${scheme} line`] = stroke;
      if (scheme === 'dark') {
        const screenshot = join(artifacts, 'report-dark.png');
        await page.locator('#models').screenshot({ path: screenshot });
        t.diagnostic(`screenshot: ${screenshot}`);
      }
    } finally {
      await page.close();
    }
  }
  assert.equal(colours.light, 'rgb(255, 255, 255)');
  assert.equal(colours.dark, 'rgb(13, 17, 23)');
  assert.notEqual(colours['light line'], colours['dark line'], 'chart colours follow the scheme too');
});
