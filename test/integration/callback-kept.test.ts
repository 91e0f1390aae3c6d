import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_SWEEP_DELAY_MS } from '#shared/callbacks/callback-inbox';
import {
  CALLBACK_AGE_FIELD,
  CALLBACK_NOT_CONFIRMED,
  SIGNED_CALLBACK_NOT_UNDERSTOOD,
} from '#shared/callbacks/callback-log';
import { findFreePort } from '../../infra/local/free-port.ts';
import type { SandboxFault } from '../../infra/local/front-payment-sandbox/index.ts';
import {
  CALLBACK_SECRET,
  CALLBACK_SECRET_NEXT,
  callbackEvent,
  callbackFields,
  confirmKeptCallbacksNow,
  epochSeconds,
  readInboxItem,
  readStatusChanges,
  signedQuery,
  useCallbackStack,
} from '../support/callback-fixtures.ts';
import { captureOutput } from '../support/captured-output.ts';
import { collectingLog } from '../support/outbox-sweeper.ts';

const stack = useCallbackStack({
  // Short, so a hanging Front Payment is given up on quickly; warnings logged for the checks.
  extra: () => ({ FRONT_PAYMENT_TIMEOUT_MS: '500', LOG_LEVEL: 'WARN' }),
});
const output = captureOutput();

/** The sweeper's clock once the kept callback's first wait has passed. */
const afterFirstWait = () => new Date(Date.now() + FIRST_SWEEP_DELAY_MS + 1_000);

describe('a kept callback whose details cannot be read now is confirmed later, once', () => {
  it.each<[string, SandboxFault]>([
    ['answer 500', { kind: 'status', statusCode: 500 }],
    ['answer 404 (not known yet)', { kind: 'status', statusCode: 404 }],
    ['hang', { kind: 'delay', delayMs: 2_000 }],
    ['drop the connection', { kind: 'drop-connection' }],
  ])(
    'details %s: 200, kept unconfirmed, alarm line, then the sweeper publishes',
    async (_name, fault) => {
      const { reservationId, reservationUuid } = await stack.createReservation();
      stack.sandbox.injectFault(fault);

      await stack.sandbox.pay(reservationUuid, 'visa');
      const [query = ''] = stack.sentQueries(reservationUuid);
      const keptBefore = await readInboxItem(stack.tables, reservationId, query);
      const sweep = await confirmKeptCallbacksNow(stack, { now: afterFirstWait });
      const again = await confirmKeptCallbacksNow(stack, { now: afterFirstWait });

      expect(stack.sandbox.callbacks.at(-1)?.statusCode).toBe(200);
      expect(keptBefore).toMatchObject({
        itemType: 'CALLBACK',
        rawQueryString: query,
        reservationId,
        reservationUuid,
        outbox: 'UNCONFIRMED_CALLBACK',
      });
      expect(output.text()).toContain(CALLBACK_NOT_CONFIRMED);
      expect(output.text()).toMatch(new RegExp(`"${CALLBACK_AGE_FIELD}":\\d+`));
      expect(sweep).toMatchObject({ claimed: 1, confirmed: 1, recorded: 1 });
      expect(again).toMatchObject({ claimed: 0, confirmed: 0 });
      expect(stack.events().filter((e) => e.reservationId === reservationId)).toMatchObject([
        { status: 'RESERVED', amount: 1000 },
      ]);
      expect((await readInboxItem(stack.tables, reservationId, query))?.outbox).toBeUndefined();
    },
  );

  it('details unreachable (Front Payment down): kept, and confirmed once it is back', async () => {
    const closedPort = await findFreePort();
    const down = await stack.loadHandler({ frontPaymentUrl: `http://127.0.0.1:${closedPort}` });
    const { reservationId, reservationUuid } = await stack.createReservation();
    // Paid at Front Payment; its own callback held back, ours sent to the Lambda cut off from it.
    stack.sandbox.setQuirks({ reverseCallbackOrder: true });
    await stack.sandbox.pay(reservationUuid, 'visa');
    const query = signedQuery(callbackFields(reservationUuid, 'RESERVED'));

    const answer = await down(callbackEvent(query, reservationId));
    const sweep = await confirmKeptCallbacksNow(stack, { now: afterFirstWait });

    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body ?? '{}')).toEqual({ received: true, confirmed: false });
    expect(sweep).toMatchObject({ claimed: 1, confirmed: 1, recorded: 1 });
    expect(stack.events().filter((e) => e.reservationId === reservationId)).toMatchObject([
      { status: 'RESERVED' },
    ]);
  });

  it('backs off: a callback whose details fail again waits longer before the next try', async () => {
    const { reservationId, reservationUuid } = await stack.createReservation();
    stack.sandbox.injectFault({ kind: 'status', statusCode: 500, times: 2 });
    await stack.sandbox.pay(reservationUuid, 'visa');
    const log = collectingLog();

    const failed = await confirmKeptCallbacksNow(stack, { now: afterFirstWait, log });
    const tooSoon = await confirmKeptCallbacksNow(stack, { now: afterFirstWait });
    const later = await confirmKeptCallbacksNow(stack, {
      now: () => new Date(Date.now() + 10 * 60_000),
    });

    expect(failed).toMatchObject({ claimed: 1, confirmed: 0 });
    expect(log.entries.map((entry) => entry.message)).toContain(CALLBACK_NOT_CONFIRMED);
    expect(tooSoon.claimed).toBe(0);
    expect(later).toMatchObject({ claimed: 1, confirmed: 1, recorded: 1 });
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(1);
  });
});

describe('a signed callback we do not understand', () => {
  it.each([
    ['a status word we do not know', (uuid: string) => callbackFields(uuid, 'success')],
    [
      'an extra parameter',
      (uuid: string) => [
        ...Object.entries(callbackFields(uuid, 'RESERVED')),
        ['currency', 'NOK'] as [string, string],
      ],
    ],
  ] as const)('with %s: kept raw, confirmed through details, alarm line', async (_name, fields) => {
    const { reservationId, reservationUuid } = await stack.createReservation();
    stack.sandbox.setQuirks({ reverseCallbackOrder: true });
    await stack.sandbox.pay(reservationUuid, 'visa');
    const query = signedQuery(fields(reservationUuid) as never);

    const answer = await stack.send(query, reservationId);

    expect(answer).toEqual({
      statusCode: 200,
      body: { received: true, confirmed: true, duplicate: false },
    });
    expect(output.text()).toContain(SIGNED_CALLBACK_NOT_UNDERSTOOD);
    expect(await readInboxItem(stack.tables, reservationId, query)).toMatchObject({
      rawQueryString: query,
    });
    expect(stack.events().filter((e) => e.reservationId === reservationId)).toMatchObject([
      { status: 'RESERVED' },
    ]);
  });
});

describe('callback secret rotation', () => {
  it('verifies callbacks signed with the current or the next secret, not with a third', async () => {
    const rotating = await stack.loadHandler({
      extra: { FRONT_PAYMENT_CALLBACK_SECRET_NEXT: ` ${CALLBACK_SECRET_NEXT}\n` },
    });
    const { reservationId, reservationUuid } = await stack.createReservation();
    await stack.sandbox.pay(reservationUuid, 'visa');
    const fields = callbackFields(reservationUuid, 'RESERVED', { timestamp: epochSeconds() });
    const statusOf = async (secret: string) =>
      (await rotating(callbackEvent(signedQuery(fields, secret), reservationId))).statusCode;

    expect(await statusOf(CALLBACK_SECRET)).toBe(200);
    expect(await statusOf(CALLBACK_SECRET_NEXT)).toBe(200);
    expect(await statusOf('a-third-secret')).toBe(403);
  });
});

describe('callback secret rotation while the next secret cannot be read', () => {
  /** Secrets Manager answering every request as throttled, for the real SDK client. */
  let throttled: Server;
  let secretsManagerUrl = '';
  let secretsManagerRequests = 0;
  beforeAll(async () => {
    throttled = createServer((request, response) => {
      secretsManagerRequests += 1;
      request.resume();
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
    });
    await new Promise<void>((resolve) => throttled.listen(0, '127.0.0.1', resolve));
    secretsManagerUrl = `http://127.0.0.1:${(throttled.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => throttled.close(resolve));
  });

  it('still verifies callbacks signed with the current secret; one signed with the next is retried (500)', async () => {
    const rotating = await stack.loadHandler({
      extra: {
        FRONT_PAYMENT_CALLBACK_SECRET_NEXT_ARN:
          'arn:aws:secretsmanager:eu-north-1:123456789012:secret:callback-next-AbCdEf',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManagerUrl,
        AWS_MAX_ATTEMPTS: '1',
      },
    });
    const { reservationId, reservationUuid } = await stack.createReservation();
    await stack.sandbox.pay(reservationUuid, 'visa');
    const fields = callbackFields(reservationUuid, 'RESERVED', { timestamp: epochSeconds() });
    const statusOf = async (secret: string) =>
      (await rotating(callbackEvent(signedQuery(fields, secret), reservationId))).statusCode;

    expect(await statusOf(CALLBACK_SECRET)).toBe(200);
    expect(await statusOf(CALLBACK_SECRET_NEXT)).toBe(500);
    expect(secretsManagerRequests).toBeGreaterThan(0);
  });
});
