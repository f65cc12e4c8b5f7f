// The signature and the client's own rules, without a hub.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HubClient, HubError, idempotencyKeyFor, sign, signedHeaders } from '../hris-hub.mjs';

test('signs the Standard Webhooks test vector', () => {
  assert.equal(sign('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', '1614265330',
                    '{"test": 2432232314}'), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  assert.equal(sign('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', '1614265330',
                    Buffer.from('{"test": 2432232314}')), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  const a = signedHeaders('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '{}');
  const b = signedHeaders('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '{}');
  assert.notEqual(a['webhook-id'], b['webhook-id']);
  assert.match(a['webhook-timestamp'], /^\d{10}$/);
});

test('idempotency keys are stable per external_id and always visible ASCII', () => {
  assert.equal(idempotencyKeyFor({ external_id: 'iv-1' }), 'result-iv-1');
  const unicode = idempotencyKeyFor({ external_id: '面试-1' });
  assert.equal(unicode, idempotencyKeyFor({ external_id: '面试-1' }));
  assert.match(unicode, /^[!-~]{1,200}$/);
});

test('retries 503 with the same Idempotency-Key and a fresh signature, then gives up with the problem', async () => {
  const seen = [];
  const fake = async (url, init) => {
    seen.push(init.headers);
    return new Response(JSON.stringify({ type: 'https://hris-hub.dev/problems/database-unavailable',
                                         title: 'Database unavailable', status: 503 }),
                        { status: 503, headers: { 'content-type': 'application/problem+json', 'retry-after': '0' } });
  };
  const hub = new HubClient({ baseUrl: 'http://hub.invalid', key: 'k', signingSecret: 'whsec_AAAA', retries: 2,
                              fetch: fake });
  await assert.rejects(hub.postResult({ external_id: 'iv-9' }), (error) => {
    assert.ok(error instanceof HubError);
    assert.equal(error.status, 503);
    assert.equal(error.slug, 'database-unavailable');
    assert.equal(error.attempts, 3);
    return true;
  });
  assert.equal(seen.length, 3);
  assert.deepEqual(new Set(seen.map((h) => h['idempotency-key'])), new Set(['result-iv-9']));
  assert.equal(new Set(seen.map((h) => h['webhook-id'])).size, 3);
});

test('a 4xx is not retried', async () => {
  let calls = 0;
  const fake = async () => {
    calls += 1;
    return new Response('{"title": "Invalid API key", "status": 401}', { status: 401 });
  };
  const hub = new HubClient({ baseUrl: 'http://hub.invalid', key: 'k', fetch: fake });
  await assert.rejects(hub.postResult({ external_id: 'x' }), { name: 'HubError', status: 401 });
  assert.equal(calls, 1);
});
