// Reads a request mix file (YAML, format rescape.load-mix/v1) into a MixDefinition; every problem is a
// DataError naming the file, line and field.
import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { MIX_FORMAT, type MixDefinition, type RequestDefinition } from './mix-definition.js';
import { checkTemplate, readParams, type ParamScope } from './mix-param-file.js';
import { YamlField } from './yaml-fields.js';

const TOP_LEVEL = ['format', 'name', 'source', 'lists', 'requests'];
const REQUEST_FIELDS = ['name', 'weight', 'method', 'path', 'headers', 'body', 'params'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Set by the transport from the target URL and the body.
const RESERVED_HEADERS = ['host', 'content-length', 'transfer-encoding', 'connection'];

export function readMixFile(file: string): MixDefinition {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read mix file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        suggestion: 'Check the --mix path.',
        cause: error,
      },
    );
  }
  return parseMix(text, file);
}

export function parseMix(text: string, file: string): MixDefinition {
  const root = YamlField.parse(text, file);
  if (!root.isMapping)
    root.fail('a mix file must be a YAML mapping', 'Start from manifests/load-mixes/social-network.yaml.');
  root.entries('the mix', TOP_LEVEL);
  const format = root.get('format');
  if (format.string('the format tag') !== MIX_FORMAT) {
    format.fail(`format must be ${MIX_FORMAT}`, `Write \`format: ${MIX_FORMAT}\` as the first line.`);
  }
  const lists: Record<string, string[]> = {};
  const listsField = root.get('lists');
  if (!listsField.missing) {
    for (const [name, values] of listsField.entries('list name: [values]')) {
      lists[name] = values.items('values').map((item) => item.string('a value', { allowEmpty: true }));
      if (lists[name].length === 0) values.fail(`list ${name} is empty`, 'Give it at least one value.');
    }
  }
  const requestsField = root.get('requests');
  const requests = requestsField.items('request types').map((item) => readRequest(item, lists));
  if (requests.length === 0)
    requestsField.fail('a mix needs at least one request', 'List the request types under requests.');
  const names = new Set<string>();
  const items = requestsField.items('request types');
  requests.forEach((request, index) => {
    if (names.has(request.name)) {
      const nameField = items[index]?.get('name') ?? requestsField;
      nameField.fail(`request name ${request.name} is used twice`, 'Give each request type its own name.');
    }
    names.add(request.name);
  });
  if (!requests.some((request) => request.weight > 0)) {
    requestsField.fail('every request has weight 0', 'Give at least one request a positive weight.');
  }
  const source = root.get('source').optionalString('where the mix comes from');
  return {
    name: root.get('name').string('the mix name'),
    ...(source === undefined ? {} : { source }),
    file,
    lists,
    requests,
  };
}

function readRequest(field: YamlField, lists: Record<string, string[]>): RequestDefinition {
  field.entries('a request type', REQUEST_FIELDS);
  const name = field.get('name').string('the request type');
  const weight = field.get('weight').number('share of the mix', { min: 0 });
  const methodField = field.get('method');
  const method = methodField.string('HTTP method').toUpperCase();
  if (!METHODS.includes(method))
    methodField.fail(`unknown HTTP method "${method}"`, `Use one of ${METHODS.join(', ')}.`);
  const params = readParams(field.get('params'), { names: new Set(), lists });
  const scope: ParamScope = { names: new Set(params.map((param) => param.name)), lists };
  const pathField = field.get('path');
  const path = pathField.string('path template');
  if (!path.startsWith('/'))
    pathField.fail(
      `path must start with "/", got "${path}"`,
      'Give the path below the target URL, e.g. /wrk2-api/home-timeline/read?user_id={{user_id}}.',
    );
  checkTemplate(pathField, path, scope);
  const headers: [string, string][] = [];
  const headersField = field.get('headers');
  if (!headersField.missing) {
    for (const [header, value] of headersField.entries('header: value')) {
      if (!HEADER_NAME.test(header))
        value.fail(`"${header}" is not a valid header name`, 'Use letters, digits and -.');
      if (RESERVED_HEADERS.includes(header.toLowerCase()))
        value.fail(`${header} is set by the load generator`, `Remove ${header}.`);
      const text = value.string('header value', { allowEmpty: true });
      if (/[\r\n]/.test(text)) value.fail('header values must be one line', 'Remove the line break.');
      if (/\{\{/.test(text))
        value.fail('header values are fixed text, not templates', 'Put varying values in the path or body.');
      headers.push([header, text]);
    }
  }
  const bodyField = field.get('body');
  const body = bodyField.optionalString('body template');
  if (body !== undefined) checkTemplate(bodyField, body, scope);
  return { name, weight, method, path, headers, ...(body === undefined ? {} : { body }), params };
}
