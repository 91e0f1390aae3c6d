/**
 * `npm run bench`: cold start, memory, bundle size and per-request cost of our functions, each
 * reported as a ratio against a baseline measured in the same run on the same machine. These
 * machines are shared and noisy: absolute numbers move from run to run, ratios much less.
 * BENCH_COLD_STARTS and BENCH_REQUESTS set the sample counts.
 */
import { benchColdStarts } from './cold-start.ts';
import { benchMicro } from './micro.ts';
import { benchRequests } from './requests.ts';

// The SDK's notice that Node 20 support ends: known, and it would break up the report.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const coldStarts = Number(process.env.BENCH_COLD_STARTS ?? 15);
const requests = Number(process.env.BENCH_REQUESTS ?? 200);

console.log(`Node ${process.version}, ${new Date().toISOString()}\n`);
benchMicro();
await benchColdStarts(coldStarts);
await benchRequests(requests);
console.log('\nA ratio above 1 means ours costs more than its baseline.');
