// A WeChat cloud function (wx-server-sdk runtime, Node 18 or newer) that posts the interview result the
// mini-program sends it. Copy hris-hub.mjs beside this file; set HRIS_HUB_URL, HRIS_HUB_KEY and, for a client that
// signs its requests, HRIS_HUB_SIGNING_SECRET in the function's environment variables (never in the mini-program).
//
// The mini-program calls: wx.cloud.callFunction({ name: 'postInterviewResult', data: { result } })

let hub; // reused across warm invocations

exports.main = async (event, context) => {
  const { HubClient, HubError } = await import('./hris-hub.mjs');
  hub = hub || new HubClient({
    baseUrl: process.env.HRIS_HUB_URL,
    key: process.env.HRIS_HUB_KEY,
    signingSecret: process.env.HRIS_HUB_SIGNING_SECRET || null,
    retries: 2,          // a cloud function has a few seconds: keep retries and timeouts short
    timeoutMs: 5000,
  });
  try {
    // The Idempotency-Key is derived from result.external_id, so the platform re-running this function (or the
    // mini-program calling it twice) replays the first answer instead of storing the result twice.
    const accepted = await hub.postResult(event.result);
    return { ok: true, id: accepted.id, status: accepted.status, replayed: accepted.replayed };
  } catch (error) {
    if (error instanceof HubError) {
      // 422: error.errors lists each bad field at its JSON pointer, e.g. {pointer: '/candidate/phone', ...}
      console.error(`hub refused the result (request ${error.requestId}): ${error.message}`);
      return { ok: false, status: error.status, type: error.slug, title: error.title, errors: error.errors };
    }
    throw error;
  }
};
