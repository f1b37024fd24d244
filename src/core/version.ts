import { readFileSync } from 'node:fs';

/** The package version, recorded in every run and model so results can be traced to the code. */
export const toolVersion: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
