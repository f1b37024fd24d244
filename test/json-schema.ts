// Checks a command's --json output against its checked-in schema, so changes to it are deliberate.
import { Ajv } from 'ajv';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

const ajv = new Ajv({ allErrors: true, strict: true });

export function assertMatchesSchema(schemaName: string, value: unknown): void {
  const schema = JSON.parse(
    readFileSync(join(repoRoot, 'schemas', `${schemaName}.schema.json`), 'utf8'),
  ) as object;
  const validate =
    ajv.getSchema(schemaName) ?? (ajv.addSchema(schema, schemaName), ajv.getSchema(schemaName));
  assert.ok(validate, `schema ${schemaName} compiles`);
  assert.ok(validate(value), `${schemaName}: ${ajv.errorsText(validate.errors)}`);
}
