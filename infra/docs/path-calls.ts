import { markdownTable } from './generated-regions.ts';

/**
 * Every call each warm path makes (DynamoDB, Front Payment, EventBridge), in order, and why.
 * One source for two readers: `npm run docs` writes the tables into docs/create-session.md,
 * docs/commands.md and docs/callbacks.md, and test/integration/warm-path-calls.test.ts counts the
 * calls on the wire and fails when a path makes one more, one less or another one.
 */
export interface PathStep {
  /** As the counting proxies name it: `DynamoDB GetItem`, `Front Payment details`, … */
  readonly call: string;
  readonly why: string;
}

const DETAILS_AFTER =
  'Front Payment sends no callback for a refund, cancel or complete: this read brings the change to consumers with the answer (and a refund after `COMPLETED` needs no watching)';

export const STEPS = {
  createStart: {
    call: 'DynamoDB UpdateItem',
    why: 'starts the reservation item, which is the `Idempotency-Key`’s record, before Front Payment is asked: a repeated or concurrent request never creates a second session',
  },
  createSession: { call: 'Front Payment create', why: 'the checkout session' },
  createFinish: {
    call: 'DynamoDB UpdateItem',
    why: 'the session’s uuid and payment URL on the item: the answer, and what a replay answers',
  },
  reservation: {
    call: 'DynamoDB GetItem',
    why: 'the reservation, read consistently: does it exist (else `404`), its Front Payment uuid, and the status, version and recorded changes the recording of the details compares against',
  },
  commandStart: {
    call: 'DynamoDB UpdateItem',
    why: 'starts the command record, the `Idempotency-Key`’s record, before anything is sent: a concurrent or repeated request never reaches Front Payment twice, and a replay is answered from this one write',
  },
  detailsBefore: {
    call: 'Front Payment details',
    why: 'the truth the state rules check (may this be done, for how much); whatever it shows that is not recorded yet is recorded and published as a callback would (three calls more, none in the usual case)',
  },
  markSent: {
    call: 'DynamoDB UpdateItem',
    why: 'marks the record sent, with the amount it moves, just before the request leaves: a record left `SENDING` by a stopped Lambda then tells whether Front Payment may have acted',
  },
  finish: {
    call: 'DynamoDB UpdateItem',
    why: 'the outcome on the command record (a replay answers from it, an unknown outcome is settled from it); the answer is what it wrote, not read back',
  },
  finishWithClaim: {
    call: 'DynamoDB TransactWriteItems',
    why: 'the outcome and the claim of Front Payment’s `CAP…`/`CHA…` in one write, so no other command is ever settled with it; the answer is what it wrote, not read back',
  },
  detailsAfter: { call: 'Front Payment details', why: DETAILS_AFTER },
  detailsAfterPayment: {
    call: 'Front Payment details',
    why: 'Front Payment’s callback for a second capture or charge looks like the first one’s, so the callback handler treats it as a repeat and reads the details at most once a minute: this read brings the movement to consumers with the answer, not a minute or more later',
  },
  historyAfter: {
    call: 'Front Payment history',
    why: 'a refund has no id in the details: the history tells this refund from earlier ones of the same amount',
  },
  callbackKeep: {
    call: 'DynamoDB PutItem',
    why: 'keeps the callback before anything else: if the rest fails, the sweeper confirms it; a repeat finds it here',
  },
  uuidLookup: {
    call: 'DynamoDB Query',
    why: 'old callback path only: the reservation’s key by Front Payment’s uuid (index `by-front-payment-uuid`)',
  },
  readGate: {
    call: 'DynamoDB UpdateItem',
    why: 'notes the details read on the reservation: a repeated callback reads at most once a minute per reservation, so callbacks cannot spend Front Payment’s rate limit',
  },
  detailsForCallback: {
    call: 'Front Payment details',
    why: 'the truth: a callback says that something changed, the details say what',
  },
  detailsForRefresh: {
    call: 'Front Payment details',
    why: 'the truth `?refresh=true` asks for: whatever it shows that is not recorded yet is recorded and published as a callback would (three calls more, none here)',
  },
  record: {
    call: 'DynamoDB TransactWriteItems',
    why: 'the new change items, the reservation’s status (and the callback’s confirmation), all or nothing, against the version read',
  },
  confirmOnly: {
    call: 'DynamoDB UpdateItem',
    why: 'nothing new: only the callback’s confirmation, so the sweeper leaves it',
  },
  reopen: {
    call: 'DynamoDB UpdateItem',
    why: 'the read was taken within the minute: the kept callback is handed to the sweeper, which reads for it',
  },
  publish: {
    call: 'EventBridge PutEvents',
    why: 'the change’s `Reservation Status Changed` event',
  },
  release: {
    call: 'DynamoDB UpdateItem',
    why: 'marks the change published once EventBridge took it (else the outbox sweeper sends it)',
  },
  view: {
    call: 'DynamoDB Query',
    why: 'the reservation’s partition (the reservation, its changes, its commands), read consistently: the answer',
  },
  listCommands: {
    call: 'DynamoDB Query',
    why: 'the commands, listed after the details were read, so a command whose payment they show is seen at least as sending; unknown outcomes are settled from them',
  },
} as const satisfies Record<string, PathStep>;

/** The command's own request to Front Payment. */
function send(command: string): PathStep {
  return { call: `Front Payment ${command}`, why: 'the command itself, sent once' };
}

const commandBefore = [STEPS.reservation, STEPS.commandStart, STEPS.detailsBefore, STEPS.markSent];
const learnAfter = [STEPS.detailsAfter, STEPS.record, STEPS.publish, STEPS.release];
const learnAfterPayment = [STEPS.detailsAfterPayment, STEPS.record, STEPS.publish, STEPS.release];

/** The warm paths of each page, by the name the test gives each situation. */
export const PATH_CALLS = {
  create: {
    'create, new Idempotency-Key': [STEPS.createStart, STEPS.createSession, STEPS.createFinish],
    'create, replayed Idempotency-Key': [STEPS.createStart],
  },
  commands: {
    capture: [...commandBefore, send('capture'), STEPS.finishWithClaim, ...learnAfterPayment],
    charge: [...commandBefore, send('charge'), STEPS.finishWithClaim, ...learnAfterPayment],
    refund: [
      ...commandBefore,
      send('refund'),
      STEPS.finish,
      STEPS.detailsAfter,
      STEPS.historyAfter,
      STEPS.record,
      STEPS.publish,
      STEPS.release,
    ],
    cancel: [...commandBefore, send('cancel'), STEPS.finish, ...learnAfter],
    complete: [...commandBefore, send('complete'), STEPS.finish, ...learnAfter],
    resend: [...commandBefore, send('resend'), STEPS.finish],
    'any command, replayed Idempotency-Key': [STEPS.reservation, STEPS.commandStart],
    'GET /reservations/{id}': [STEPS.view],
    'GET /reservations/{id}?refresh=true, nothing new': [
      STEPS.reservation,
      STEPS.detailsForRefresh,
      STEPS.listCommands,
      STEPS.view,
    ],
  },
  callback: {
    'new charge, path with our id': [
      STEPS.callbackKeep,
      STEPS.reservation,
      STEPS.readGate,
      STEPS.detailsForCallback,
      STEPS.record,
      STEPS.publish,
      STEPS.release,
    ],
    'new charge, old path': [
      STEPS.callbackKeep,
      STEPS.uuidLookup,
      STEPS.reservation,
      STEPS.readGate,
      STEPS.detailsForCallback,
      STEPS.record,
      STEPS.publish,
      STEPS.release,
    ],
    'the identical delivery again, within the minute': [
      STEPS.callbackKeep,
      STEPS.reservation,
      STEPS.readGate,
      STEPS.reopen,
    ],
    'a resend (new timestamp), nothing new': [
      STEPS.callbackKeep,
      STEPS.reservation,
      STEPS.readGate,
      STEPS.detailsForCallback,
      STEPS.confirmOnly,
    ],
    'details fail: kept for the sweeper': [
      STEPS.callbackKeep,
      STEPS.reservation,
      STEPS.readGate,
      STEPS.detailsForCallback,
    ],
  },
} as const satisfies Record<string, Record<string, readonly PathStep[]>>;

/** The calls of one path as the counting proxies name them, in order. */
export function callsOf(steps: readonly PathStep[]): string[] {
  return steps.map((step) => step.call);
}

/**
 * Two tables: each path's calls in order (numbered by the second table), and why each call is
 * made. Calls with the same reason (each command's own request) share one row.
 */
export function pathCallsTables(paths: Readonly<Record<string, readonly PathStep[]>>): string {
  const reasons: { why: string; calls: string[] }[] = [];
  const numberOf = (step: PathStep) => {
    let reason = reasons.find((known) => known.why === step.why);
    if (!reason) {
      reason = { why: step.why, calls: [] };
      reasons.push(reason);
    }
    if (!reason.calls.includes(step.call)) reason.calls.push(step.call);
    return reasons.indexOf(reason) + 1;
  };
  const pathRows = Object.entries(paths).map(([path, calls]) => [
    path,
    String(calls.length),
    calls.map((step) => `${numberOf(step)}. ${step.call}`).join(', '),
  ]);
  return [
    markdownTable(['path', 'calls', 'in order (numbers: the table below)'], pathRows),
    '',
    markdownTable(
      ['#', 'call', 'why'],
      reasons.map((reason, index) => [String(index + 1), sharedService(reason.calls), reason.why]),
    ),
  ].join('\n');
}

/** `Front Payment capture / charge`: calls of one service named once. */
function sharedService(calls: readonly string[]): string {
  const service = (call: string) => call.slice(0, call.lastIndexOf(' '));
  const first = service(calls[0] ?? '');
  if (calls.some((call) => service(call) !== first)) return calls.join(', ');
  return `${first} ${calls.map((call) => call.slice(first.length + 1)).join(' / ')}`;
}
