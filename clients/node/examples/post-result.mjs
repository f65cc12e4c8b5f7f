// A Node backend posting one result: node examples/post-result.mjs result.json
// Environment: HRIS_HUB_URL, HRIS_HUB_KEY, and HRIS_HUB_SIGNING_SECRET for a client that signs its requests.
import { readFile } from 'node:fs/promises';
import { HubClient, HubError } from '../hris-hub.mjs';

const hub = new HubClient({ baseUrl: process.env.HRIS_HUB_URL, key: process.env.HRIS_HUB_KEY,
                            signingSecret: process.env.HRIS_HUB_SIGNING_SECRET || null });
const result = JSON.parse(await readFile(process.argv[2], 'utf8'));
try {
  const accepted = await hub.postResult(result);
  console.log(`${accepted.replayed ? 'already stored' : 'stored'}: ${accepted.id} (${accepted.status})`);
} catch (error) {
  if (!(error instanceof HubError)) throw error;
  console.error(error.message);   // the title, the detail, then one line per JSON pointer
  process.exitCode = 1;
}
