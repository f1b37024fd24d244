// Headless Chromium (Debian's `chromium`) driven by playwright-core, for tests that open a generated page.
// One browser per test file; each page records every request it makes, so a test can assert that a
// self-contained page fetched nothing but itself.
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.RESCAPE_CHROMIUM ?? '/usr/bin/chromium';

/** Headless, no sandbox (containers), and none of Chromium's own background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  // playwright starts it with a fresh temporary profile (user-data dir), removed on close.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
}

export interface OpenedPage {
  page: Page;
  /** URLs of every request the page made, the page itself included, in order. */
  requests: string[];
  url: string;
}

/** Opens a local HTML file in a new page of the given colour scheme and waits for it to load. */
export async function openFile(
  browser: Browser,
  file: string,
  options: { colorScheme?: 'light' | 'dark'; width?: number } = {},
): Promise<OpenedPage> {
  const page = await browser.newPage({
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: options.width ?? 1280, height: 900 },
  });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  return { page, requests, url };
}
