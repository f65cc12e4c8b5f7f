// hris-hub client for mini-program backends: WeChat cloud functions and Node backends (Node 18+, tested on 20).
// No dependencies: the global fetch and node:crypto. Copy this one file into your project.
//
//   import { HubClient } from './hris-hub.mjs';
//   const hub = new HubClient({ baseUrl: process.env.HRIS_HUB_URL, key: process.env.HRIS_HUB_KEY,
//                               signingSecret: process.env.HRIS_HUB_SIGNING_SECRET });   // optional
//   const accepted = await hub.postResult(result);   // {id, external_id, status, links, replayed}
//
// Retries: network errors, timeouts, 429, 502, 503 and 504, with backoff (Retry-After honoured), up to `retries`
// times. Every attempt carries the SAME Idempotency-Key, so a retry of a post the hub already stored replays its
// first answer instead of storing it twice; a signed client signs every attempt afresh (a new webhook-id and
// timestamp), as the hub refuses a webhook-id it has seen. Any other answer >= 400 is thrown at once as a
// HubError carrying the problem+json document: status, type, title, detail, reason and errors [{pointer, message}].

import { createHash, createHmac, randomUUID } from 'node:crypto';

export const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const PROBLEM_BASE = 'https://hris-hub.dev/problems/';

export class HubError extends Error {
  /** A problem+json answer from the hub (or a transport failure after the last retry: status 0). */
  constructor(status, problem, { attempts = 1, cause } = {}) {
    const pointers = (problem.errors || []).map((e) => `\n  ${e.pointer || '/'}: ${e.message}`).join('');
    super(`${status ? `${status} ` : ''}${problem.title || 'Request failed'}` +
          `${problem.detail ? `: ${problem.detail}` : ''}${pointers}`, cause ? { cause } : undefined);
    this.name = 'HubError';
    this.status = status;
    this.problem = problem;
    this.type = problem.type || null;
    this.slug = (problem.type || '').startsWith(PROBLEM_BASE) ? problem.type.slice(PROBLEM_BASE.length) : null;
    this.title = problem.title || null;
    this.detail = problem.detail || null;
    this.reason = problem.reason || null;          // signature-refused: which check failed
    this.errors = problem.errors || [];            // [{pointer, message}]: the JSON pointers of bad fields
    this.requestId = problem.request_id || null;   // finds the request in the hub's logs
    this.attempts = attempts;
  }

  /** The messages at one JSON pointer, e.g. err.at('/candidate/email'). */
  at(pointer) {
    return this.errors.filter((e) => e.pointer === pointer).map((e) => e.message);
  }
}

/** The Standard Webhooks signature of one request: `v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>`. */
export function sign(secret, id, timestamp, body) {
  const key = Buffer.from(String(secret).replace(/^whsec_/, ''), 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

/** The three headers of a signed request, for the exact body sent (a string or a Buffer; '' for a GET). */
export function signedHeaders(secret, body, { id = randomUUID(), timestamp = Math.floor(Date.now() / 1000) } = {}) {
  const stamp = String(timestamp);
  return { 'webhook-id': id, 'webhook-timestamp': stamp, 'webhook-signature': sign(secret, id, stamp, body) };
}

/** An Idempotency-Key for a result: its external_id when that is 1-200 visible ASCII, else a hash of it. */
export function idempotencyKeyFor(result) {
  const id = String(result && result.external_id || '');
  if (/^[!-~]{1,193}$/.test(id)) return `result-${id}`;
  if (id) return `result-${createHash('sha256').update(id).digest('hex')}`;
  return randomUUID();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class HubClient {
  /**
   * @param {object} options
   * @param {string} options.baseUrl  the hub's root URL, e.g. https://hub.example.com
   * @param {string} options.key      an API key from `hris-hub clients create` (role ingest)
   * @param {string} [options.signingSecret]  the whsec_... secret of a client that signs its requests
   * @param {number} [options.retries=3]       retries after the first attempt
   * @param {number} [options.timeoutMs=15000] per attempt
   * @param {number} [options.backoffMs=500]   first backoff; doubles, with jitter, capped at 8 s
   * @param {Function} [options.fetch]         a fetch to use instead of the global one (tests, proxies)
   */
  constructor({ baseUrl, key, signingSecret = null, retries = 3, timeoutMs = 15000, backoffMs = 500,
                fetch: fetchImpl = globalThis.fetch } = {}) {
    if (!baseUrl) throw new TypeError('baseUrl is required (the hub, e.g. https://hub.example.com)');
    if (!key) throw new TypeError('key is required (hris-hub clients create --name NAME --role ingest)');
    if (typeof fetchImpl !== 'function') throw new TypeError('no fetch: use Node 18 or newer, or pass options.fetch');
    this.baseUrl = String(baseUrl).replace(/\/+$/, '');
    this.key = key;
    this.signingSecret = signingSecret;
    this.retries = retries;
    this.timeoutMs = timeoutMs;
    this.backoffMs = backoffMs;
    this.fetch = fetchImpl;
  }

  /** POST /api/v1/results. Resolves to the 202 answer plus `replayed` (true when the hub had it already). */
  async postResult(result, { idempotencyKey = idempotencyKeyFor(result) } = {}) {
    return this.request('POST', '/api/v1/results', { json: result, idempotencyKey });
  }

  /** GET /api/v1/results/{id}: status, profile and per-connector sync status. */
  async getResult(id) {
    return this.request('GET', `/api/v1/results/${encodeURIComponent(id)}`);
  }

  /** POST /api/v1/results/{id}/decision: {hired, decided_by, employee_ids, start_date}. */
  async recordDecision(id, decision, { idempotencyKey = randomUUID() } = {}) {
    return this.request('POST', `/api/v1/results/${encodeURIComponent(id)}/decision`, { json: decision,
                                                                                          idempotencyKey });
  }

  /** One API call with retries; `json` is serialised once, and those bytes are what is signed and sent. */
  async request(method, path, { json, idempotencyKey } = {}) {
    const body = json === undefined ? '' : JSON.stringify(json);
    let lastError;
    for (let attempt = 1; attempt <= this.retries + 1; attempt += 1) {
      const headers = { authorization: `Bearer ${this.key}`, accept: 'application/json, application/problem+json' };
      if (json !== undefined) headers['content-type'] = 'application/json';
      if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
      if (this.signingSecret) Object.assign(headers, signedHeaders(this.signingSecret, body));
      let answer;
      try {
        answer = await this.fetch(this.baseUrl + path, {
          method, headers, body: json === undefined ? undefined : body, signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {  // DNS, refused, reset, timeout: the hub may or may not have stored it; retry the same key
        lastError = new HubError(0, { title: 'Hub unreachable', detail: String(error && error.message || error) },
                                 { attempts: attempt, cause: error });
        if (attempt <= this.retries) { await sleep(this.backoff(attempt)); continue; }
        throw lastError;
      }
      const text = await answer.text();
      let document = null;
      try { document = text ? JSON.parse(text) : null; } catch { document = null; }
      if (answer.ok) {
        const out = document && typeof document === 'object' ? document : {};
        if (answer.headers.get('idempotent-replayed') === 'true') out.replayed = true;
        else if (json !== undefined && typeof out === 'object') out.replayed = false;
        return out;
      }
      const problem = document && typeof document === 'object'
        ? document : { title: answer.statusText || 'Request failed', detail: text.slice(0, 500) };
      lastError = new HubError(answer.status, problem, { attempts: attempt });
      if (RETRYABLE_STATUSES.has(answer.status) && attempt <= this.retries) {
        await sleep(this.backoff(attempt, answer.headers.get('retry-after')));
        continue;
      }
      throw lastError;
    }
    throw lastError;
  }

  backoff(attempt, retryAfter = null) {
    const seconds = Number(retryAfter);
    if (retryAfter !== null && Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 60) * 1000;
    const base = Math.min(this.backoffMs * 2 ** (attempt - 1), 8000);
    return base / 2 + Math.random() * base / 2;
  }
}
