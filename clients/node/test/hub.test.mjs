// Against a real hub: HRIS_HUB_URL, HRIS_HUB_KEY (an ingest client), and HRIS_HUB_SIGNED_KEY with
// HRIS_HUB_SIGNING_SECRET (an ingest client made with --signed). tests/hub/web/test_node_client.py starts the hub
// on loopback, makes both clients and runs these; without HRIS_HUB_URL they are skipped, saying so.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HubClient, HubError } from '../hris-hub.mjs';

const { HRIS_HUB_URL, HRIS_HUB_KEY, HRIS_HUB_SIGNED_KEY, HRIS_HUB_SIGNING_SECRET } = process.env;
const skip = HRIS_HUB_URL ? false : 'set HRIS_HUB_URL, HRIS_HUB_KEY, HRIS_HUB_SIGNED_KEY and HRIS_HUB_SIGNING_SECRET';
const HERE = dirname(fileURLToPath(import.meta.url));

function result(overrides = {}) {
  return {
    external_id: `iv-node-${randomUUID()}`,
    job_code: 'SALES-REP',
    candidate: { external_id: 'wx-openid-node', name: '王小明', phone: '+86 138 0013 8000',
                 email: 'xiaoming@example.com' },
    scores: { source: 'acme-ai', model: 'sales',
              dimensions: { communication: 92, stress_tolerance: 75, customer_orientation: 88, teamwork: 70,
                            responsibility: 91 } },
    preferences: { work_schedule: 'flexible' },
    consent: { notice_version: '2026-09', given_at: '2026-11-20T09:30:00+08:00' },
    ...overrides,
  };
}

test('posts a result and reads it back', { skip }, async () => {
  const hub = new HubClient({ baseUrl: HRIS_HUB_URL, key: HRIS_HUB_KEY });
  const posted = result();
  const accepted = await hub.postResult(posted);
  assert.equal(accepted.external_id, posted.external_id);
  assert.equal(accepted.status, 'scored');
  assert.equal(accepted.replayed, false);
  const read = await hub.getResult(accepted.id);
  assert.equal(read.id, accepted.id);
  const again = await hub.postResult(posted);
  assert.equal(again.replayed, true);
  assert.equal(again.id, accepted.id);
});

test('a lost answer is retried with the same Idempotency-Key and the hub stores the result once', { skip },
     async () => {
  const seen = [];
  let calls = 0;
  const dropping = async (url, init) => {
    seen.push({ ...init.headers });
    calls += 1;
    const answer = await fetch(url, init);
    if (calls === 1) {
      await answer.arrayBuffer();
      throw new TypeError('fetch failed (the answer was lost on purpose)');
    }
    return answer;
  };
  for (const [key, signingSecret] of [[HRIS_HUB_KEY, null], [HRIS_HUB_SIGNED_KEY, HRIS_HUB_SIGNING_SECRET]]) {
    seen.length = 0;
    calls = 0;
    const hub = new HubClient({ baseUrl: HRIS_HUB_URL, key, signingSecret, backoffMs: 10, fetch: dropping });
    const posted = result();
    const accepted = await hub.postResult(posted);
    assert.equal(accepted.replayed, true, 'the second attempt replays what the first stored');
    assert.equal(seen.length, 2);
    assert.equal(seen[0]['idempotency-key'], seen[1]['idempotency-key']);
    if (signingSecret) assert.notEqual(seen[0]['webhook-id'], seen[1]['webhook-id']);
    const plain = new HubClient({ baseUrl: HRIS_HUB_URL, key, signingSecret });
    assert.equal((await plain.getResult(accepted.id)).external_id, posted.external_id);
  }
});

test('problem+json errors come with their JSON pointers', { skip }, async () => {
  const hub = new HubClient({ baseUrl: HRIS_HUB_URL, key: HRIS_HUB_KEY });
  const bad = result({ unexpected_field: 1 });
  delete bad.job_code;
  await assert.rejects(hub.postResult(bad), (error) => {
    assert.ok(error instanceof HubError);
    assert.equal(error.status, 422);
    assert.equal(error.slug, 'validation-failed');
    const pointers = error.errors.map((e) => e.pointer);
    assert.ok(pointers.includes('/unexpected_field'), pointers.join(' '));
    assert.ok(error.at('/unexpected_field').length >= 1);
    assert.match(error.message, /\/unexpected_field: /);
    assert.ok(error.requestId);
    assert.equal(error.attempts, 1);
    return true;
  });
  // The same external_id with another body: 409, not retried.
  const first = result();
  await hub.postResult(first);
  await assert.rejects(hub.postResult({ ...first, job_code: 'RND-ENGINEER' }), { name: 'HubError', status: 409 });
});

test('a signing client signs every request; a wrong secret or none is refused, saying why', { skip }, async () => {
  const hub = new HubClient({ baseUrl: HRIS_HUB_URL, key: HRIS_HUB_SIGNED_KEY, signingSecret: HRIS_HUB_SIGNING_SECRET });
  const accepted = await hub.postResult(result());
  assert.equal(accepted.status, 'scored');
  assert.equal((await hub.getResult(accepted.id)).id, accepted.id);

  const unsigned = new HubClient({ baseUrl: HRIS_HUB_URL, key: HRIS_HUB_SIGNED_KEY });
  await assert.rejects(unsigned.postResult(result()), (error) => {
    assert.equal(error.status, 401);
    assert.equal(error.slug, 'signature-refused');
    assert.equal(error.reason, 'missing-signature-header');
    return true;
  });
  const wrong = new HubClient({ baseUrl: HRIS_HUB_URL, key: HRIS_HUB_SIGNED_KEY,
                                signingSecret: 'whsec_' + Buffer.alloc(32, 7).toString('base64') });
  await assert.rejects(wrong.postResult(result()), (error) => {
    assert.equal(error.reason, 'bad-signature');
    assert.ok(!error.message.includes(HRIS_HUB_SIGNING_SECRET.slice(6)));
    return true;
  });
});

test('the WeChat cloud function example, copied beside hris-hub.mjs as its comment says, posts a result',
     { skip }, async () => {
  const folder = await mkdtemp(join(tmpdir(), 'cloudfn-'));
  await cp(join(HERE, '..', 'examples', 'wechat-cloud-function'), folder, { recursive: true });
  await cp(join(HERE, '..', 'hris-hub.mjs'), join(folder, 'hris-hub.mjs'));
  const saved = { ...process.env };
  Object.assign(process.env, { HRIS_HUB_KEY: HRIS_HUB_SIGNED_KEY, HRIS_HUB_SIGNING_SECRET });
  try {
    const { main } = createRequire(join(folder, 'index.js'))('./index.js');
    const posted = result();
    const answer = await main({ result: posted }, {});
    assert.equal(answer.ok, true, JSON.stringify(answer));
    assert.equal(answer.replayed, false);
    assert.equal((await main({ result: posted }, {})).replayed, true);
    const refused = await main({ result: { ...result(), job_code: undefined, extra: true } }, {});
    assert.equal(refused.ok, false);
    assert.equal(refused.status, 422);
    assert.ok(refused.errors.some((e) => e.pointer === '/extra'), JSON.stringify(refused.errors));
  } finally {
    process.env = saved;
  }
});
