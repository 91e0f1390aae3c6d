/**
 * `npm run bench`: cold start, memory, bundle size and per-request cost of our functions, each
 * reported as a ratio against a baseline measured in the same run on the same machine. These
 * machines are shared and noisy: absolute numbers move from run to run, ratios much less.
 * BENCH_ROUNDS (cold-start rounds) and BENCH_REQUESTS set the sample counts; BENCH_PARTS picks
 * parts (`micro,cold,requests`, all by default).
 */
import { loadavg } from 'node:os';
import { benchColdStarts } from './cold-start.ts';
import { benchMicro } from './micro.ts';
import { benchRequests } from './requests.ts';

// The SDK's notice that Node 20 support ends: known, and it would break up the report.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const rounds = Number(process.env.BENCH_ROUNDS ?? 20);
const requests = Number(process.env.BENCH_REQUESTS ?? 200);
const parts = new Set((process.env.BENCH_PARTS ?? 'micro,cold,requests').split(','));
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

console.log(`Node ${process.version}, ${new Date().toISOString()}, load average ${load()}\n`);
if (parts.has('micro')) benchMicro();
if (parts.has('cold')) await benchColdStarts(rounds);
if (parts.has('requests')) await benchRequests(requests);
console.log(`\nLoad average at the end: ${load()}`);
console.log('A ratio above 1 means ours costs more than its baseline.');
