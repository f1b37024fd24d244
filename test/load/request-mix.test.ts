import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/core/random.js';
import { builtinMixFile, loadMix } from '../../src/load/builtin-mixes.js';
import { formEncode } from '../../src/load/mix-params.js';
import { parseMix } from '../../src/load/mix-file.js';
import { RequestMix, type MixRequest } from '../../src/load/request-mix.js';

function draws(
  benchmark: 'social-network' | 'hotel-reservation' | 'media-microservices',
  count: number,
  seed = 11,
) {
  const mix = RequestMix.compile(loadMix(benchmark));
  const random = Random.fromSeed(seed);
  const requests: MixRequest[] = [];
  for (let index = 0; index < count; index += 1) requests.push(mix.draw(random));
  return { mix, requests };
}

/** Asserts each request type's count is within 4.5 binomial standard deviations of its share. */
function assertShares(
  mix: RequestMix,
  requests: readonly MixRequest[],
  expected: Record<string, number>,
): void {
  const n = requests.length;
  for (const [name, share] of Object.entries(expected)) {
    const index = mix.indexOf(name);
    assert.ok(index >= 0, name);
    const count = requests.filter((request) => request.type === index).length;
    const bound = 4.5 * Math.sqrt(n * share * (1 - share));
    assert.ok(
      Math.abs(count - n * share) <= bound,
      `${name}: ${count} of ${n}, expected ${n * share} ± ${bound.toFixed(1)}`,
    );
  }
}

const query = (request: MixRequest): URLSearchParams => new URLSearchParams(request.path.split('?')[1] ?? '');

test('built-in mixes cite the wrk2 script they restate', () => {
  for (const benchmark of ['social-network', 'hotel-reservation', 'media-microservices'] as const) {
    const definition = loadMix(benchmark);
    assert.match(
      definition.source ?? '',
      /^delimitrou\/DeathStarBench .*wrk2\/scripts\/.*\.lua$/,
      builtinMixFile(benchmark),
    );
  }
});

test('social-network: 60/30/10 and the parameters mixed-workload.lua generates', () => {
  const { mix, requests } = draws('social-network', 20_000);
  assertShares(mix, requests, { 'read-home-timeline': 0.6, 'read-user-timeline': 0.3, 'compose-post': 0.1 });
  const mentionCounts = new Set<number>();
  for (const request of requests) {
    if (request.method === 'GET') {
      assert.match(request.path, /^\/wrk2-api\/(home|user)-timeline\/read\?/);
      const params = query(request);
      const userId = Number(params.get('user_id'));
      const start = Number(params.get('start'));
      assert.ok(userId >= 1 && userId <= 962 && start >= 0 && start <= 100, request.path);
      assert.equal(Number(params.get('stop')), start + 10);
      continue;
    }
    assert.equal(request.path, '/wrk2-api/post/compose');
    assert.deepEqual(request.headers, ['Content-Type', 'application/x-www-form-urlencoded']);
    // Sent unencoded, as the script sends it: split on the field names.
    const body = request.body ?? '';
    const match =
      /^username=username_(\d+)&user_id=(\d+)&text=([^&]*)&media_ids=\[([^\]]*)\]&media_types=\[([^\]]*)\]&post_type=0$/.exec(
        body,
      );
    assert.ok(match !== null, body);
    const [, username, userId, text, mediaIds, mediaTypes] = match as unknown as string[];
    assert.equal(username, userId);
    const words = (text ?? '').split(' ');
    assert.match(words[0] ?? '', /^[A-Za-z0-9]{256}$/);
    const mentions = words.filter((word) => word.startsWith('@username_'));
    const urls = words.filter((word) => word.startsWith('http://'));
    assert.equal(mentions.length + urls.length + 1, words.length);
    assert.ok(mentions.length >= 1 && mentions.length <= 6 && urls.length >= 1 && urls.length <= 6);
    mentionCounts.add(mentions.length);
    for (const mention of mentions)
      assert.notEqual(mention, `@username_${userId}`, 'a post never mentions its author');
    for (const url of urls) assert.match(url, /^http:\/\/[A-Za-z0-9]{64}$/);
    const ids = (mediaIds ?? '').split(',');
    assert.ok(ids.length >= 1 && ids.length <= 5);
    for (const id of ids) assert.match(id, /^"\d{18}"$/);
    assert.deepEqual(
      (mediaTypes ?? '').split(','),
      ids.map(() => '"png"'),
    );
  }
  assert.deepEqual(
    [...mentionCounts].sort(),
    [1, 2, 3, 4, 5, 6],
    '`for i = 0, n` with n in 0..5 makes 1–6 mentions',
  );
});

test('hotel-reservation: 60/39/0.5/0.5 and mixed-workload_type_1.lua parameters', () => {
  const { mix, requests } = draws('hotel-reservation', 40_000);
  assertShares(mix, requests, { search: 0.6, recommend: 0.39, user: 0.005, reserve: 0.005 });
  const lats = new Set<string>();
  for (const request of requests) {
    const params = query(request);
    const [path] = request.path.split('?');
    if (path === '/hotels' || path === '/recommendations') {
      const lat = params.get('lat') ?? '';
      const lon = Number(params.get('lon'));
      lats.add(lat);
      assert.match(lat, /^3[78](\.\d{1,3})?$/);
      assert.ok(
        Number(lat) >= 37.783 - 1e-9 &&
          Number(lat) <= 38.264 + 1e-9 &&
          lon >= -122.252 - 1e-9 &&
          lon <= -121.927 + 1e-9,
        request.path,
      );
    }
    if (path === '/hotels') {
      const inDay = Number((params.get('inDate') ?? '').slice(-2));
      const outDay = Number((params.get('outDate') ?? '').slice(-2));
      assert.match(params.get('inDate') ?? '', /^2015-04-\d\d$/);
      assert.ok(inDay >= 9 && inDay <= 23 && outDay > inDay && outDay <= 24, request.path);
    } else if (path === '/recommendations') {
      assert.ok(['dis', 'rate', 'price'].includes(params.get('require') ?? ''));
    } else {
      assert.equal(request.method, 'POST');
      const user = Number((params.get('username') ?? '').replace('Cornell_', ''));
      assert.ok(user >= 0 && user <= 500);
      assert.equal(params.get('password'), String(user).repeat(10));
      if (path === '/reservation') {
        const inDay = Number((params.get('inDate') ?? '').slice(-2));
        const outDay = Number((params.get('outDate') ?? '').slice(-2));
        assert.ok(
          outDay - inDay >= 1 && outDay - inDay <= 5 && Number(params.get('hotelId')) <= 80,
          request.path,
        );
        assert.equal(params.get('customerName'), params.get('username'));
        assert.equal(params.get('number'), '1');
      } else {
        assert.equal(path, '/user');
      }
    }
  }
  assert.ok(lats.size > 400, `${lats.size} distinct latitudes on the 482-point grid`);
});

test("media-microservices: compose-review with a form-encoded title from the script's 1000 movies", () => {
  const definition = loadMix('media-microservices');
  assert.equal(definition.lists.movie_titles?.length, 1000);
  const { requests } = draws('media-microservices', 3000);
  const titles = new Set(definition.lists.movie_titles);
  for (const request of requests) {
    const body = new URLSearchParams(request.body ?? '');
    assert.ok(
      titles.has(body.get('title') ?? ''),
      `decodes to a listed title: ${request.body?.slice(0, 120)}`,
    );
    const user = Number((body.get('username') ?? '').replace('username_', ''));
    assert.ok(user >= 1 && user <= 1000);
    assert.equal(body.get('password'), `password_${user}`);
    assert.ok(Number(body.get('rating')) <= 10);
    assert.match(body.get('text') ?? '', /^[A-Za-z0-9]{256}$/);
  }
});

test("formEncode is wrk2's urlEncode: letters, digits, '.', '-' kept, space → +, other UTF-8 bytes %XX", () => {
  assert.equal(formEncode('Pokémon Detective Pikachu'), 'Pok%C3%A9mon+Detective+Pikachu');
  assert.equal(formEncode("Schindler's List: 1½"), 'Schindler%27s+List%3A+1%C2%BD');
  assert.equal(formEncode('Spider-Man 3.0'), 'Spider-Man+3.0');
});

test('the same seed draws the same requests', () => {
  assert.deepEqual(draws('social-network', 200, 5).requests, draws('social-network', 200, 5).requests);
  assert.notDeepEqual(draws('social-network', 200, 5).requests, draws('social-network', 200, 6).requests);
});

test('a request type without parameters is built once and sent as is; the draws around it are unchanged', () => {
  const mix = RequestMix.compile(
    parseMix(
      [
        'format: rescape.load-mix/v1',
        'name: fixed',
        'requests:',
        '  - { name: ping, weight: 1, method: POST, path: /ping, body: "{}" }',
        '  - { name: read, weight: 1, method: GET, path: "/read?id={{id}}", params: { id: { int: [1, 9] } } }',
      ].join('\n'),
      'fixed.yaml',
    ),
  );
  const random = Random.fromSeed(4);
  const drawn = Array.from({ length: 40 }, () => mix.draw(random));
  const pings = drawn.filter((request) => request.type === 0);
  assert.ok(pings.length > 5 && pings.length < 35, `${pings.length} pings`);
  assert.ok(
    pings.every((request) => request === pings[0]),
    'one prebuilt request',
  );
  assert.deepEqual({ ...pings[0] }, { type: 0, method: 'POST', path: '/ping', headers: [], body: '{}' });
  // The same stream, drawn by hand: the type's uniform, then (for `read` only) the id.
  const check = Random.fromSeed(4);
  for (const request of drawn) {
    const type = check.uniform() < 0.5 ? 0 : 1;
    assert.equal(request.type, type);
    if (type === 1) assert.equal(request.path, `/read?id=${check.int(1, 9)}`);
  }
});
