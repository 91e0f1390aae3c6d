import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { inboxKeyOf } from '#shared/callbacks/callback-inbox';
import {
  DEFAULT_EVENT_SOURCE,
  STATUS_CHANGED_DETAIL_TYPE,
  StatusChangedDetailSchema,
} from '#shared/events/status-changed-event';
import { reservationsTableDesign } from '#shared/reservations/table-design';
import {
  type CallbackFields,
  callbackEvent,
  callbackFields,
  epochSeconds,
  readReservation,
  readStatusChanges,
  signedQuery,
  sweepKeptCallbacks,
  useCallbackStack,
} from '../support/callback-fixtures.ts';

const stack = useCallbackStack();
const { send } = stack;

const sendSigned = (fields: CallbackFields) => send(signedQuery(fields));
const details = () => stack.events();

describe('callback handler: recording and publishing', () => {
  it('records Reserved -> Captured -> Charged and publishes one event per change', async () => {
    const { reservationId, reservationUuid } = await stack.createReservation();

    await stack.sandbox.pay(reservationUuid, 'visa');
    await stack.sandbox.capture(reservationUuid, 1000);
    await stack.sandbox.charge(reservationUuid, 250.5);

    const answers = stack.sandbox.callbacks.filter((c) => c.reservationUuid === reservationUuid);
    expect(answers.map((callback) => callback.statusCode)).toEqual([200, 200, 200]);
    const reservation = await readReservation(stack.tables, reservationId);
    expect(reservation).toMatchObject({ status: 'CHARGED', statusRank: 30, version: 5 });
    const changes = await readStatusChanges(stack.tables, reservationId);
    expect(
      changes.map((c) => [c.previousStatus, c.status, c.currentStatus, c.reservationVersion]),
    ).toEqual([
      ['SESSION_CREATED', 'RESERVED', 'RESERVED', 3],
      ['RESERVED', 'CAPTURED', 'CAPTURED', 4],
      ['CAPTURED', 'CHARGED', 'CHARGED', 5],
    ]);
    // Published: the outbox marker and lease are gone, the time of publication is kept.
    for (const change of changes) {
      expect(change.outbox).toBeUndefined();
      expect(change.publishLeaseUntil).toBeUndefined();
      expect(change.publishedAt).toEqual(expect.any(String));
    }

    expect(stack.bridge.events.map((e) => [e.source, e.detailType, e.eventBusName])).toEqual(
      Array(3).fill([DEFAULT_EVENT_SOURCE, STATUS_CHANGED_DETAIL_TYPE, 'reservations-bus']),
    );
    for (const detail of details()) expect(v.is(StatusChangedDetailSchema, detail)).toBe(true);
    expect(details()).toEqual(changes.map((change) => change.detail));
    expect(details()[2]).toEqual({
      schemaVersion: 2,
      eventId: changes[2]?.eventId,
      reservationId,
      reservationUuid,
      status: 'CHARGED',
      previousStatus: 'CAPTURED',
      currentStatus: 'CHARGED',
      amount: 250.5,
      reference: expect.stringMatching(/^CHA\d{10}$/),
      reservedAmount: 1000,
      capturedAmount: 1000,
      chargedAmount: 250.5,
      refundedAmount: 0,
      // Front Payment writes these times in Oslo wall-clock minutes.
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/),
      orderCreatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/),
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('treats the same notification delivered again, even re-sent later and spelled otherwise, as one change', async () => {
    stack.sandbox.setQuirks({ misspellReserved: true });
    const { reservationId, reservationUuid } = await stack.createReservation();
    await stack.sandbox.pay(reservationUuid, 'visa');
    const [query = ''] = stack.sentQueries(reservationUuid);
    const fields = callbackFields(reservationUuid, 'Reserved', { timestamp: epochSeconds() });

    const again = await send(query, reservationId);
    const resent = await send(signedQuery(fields), reservationId);

    expect(query).toContain('status=RESEVRED');
    // The identical query is a repeat: details were read for it moments ago, the sweeper reads.
    expect(again).toEqual({ statusCode: 200, body: { received: true, confirmed: false } });
    // A resend (new timestamp) is new: read at once, nothing new in it.
    expect(resent).toEqual({
      statusCode: 200,
      body: { received: true, confirmed: true, duplicate: true },
    });
    await sweepKeptCallbacks(stack);
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(1);
    expect((await readReservation(stack.tables, reservationId)).version).toBe(3);
    expect(details()).toMatchObject([{ status: 'RESERVED' }]);
  });

  it("takes the status from Front Payment's details: a refund or a charge after it moves nothing back", async () => {
    const { reservationId, reservationUuid: uuid } = await stack.createReservation();
    await stack.sandbox.pay(uuid, 'visa');
    await stack.sandbox.capture(uuid, 500);
    await stack.sandbox.refund(uuid, { amount: 100, source: 'captured' });
    // This charge's callback shows the refund too; the details now say CHARGED.
    await stack.sandbox.charge(uuid, 40);

    expect(await readReservation(stack.tables, reservationId)).toMatchObject({
      status: 'CHARGED',
      version: 6,
    });
    const changes = await readStatusChanges(stack.tables, reservationId);
    expect(changes.map((c) => [c.status, c.previousStatus, c.currentStatus])).toEqual([
      ['RESERVED', 'SESSION_CREATED', 'RESERVED'],
      ['CAPTURED', 'RESERVED', 'CAPTURED'],
      ['CHARGED', 'CAPTURED', 'CHARGED'],
      ['REFUNDED', 'CHARGED', 'CHARGED'],
    ]);
    await stack.sandbox.capture(uuid, 10);
    // A callback in the same second as the charge's may be a repeat: the sweeper reads for it.
    await sweepKeptCallbacks(stack);
    const later = (await readStatusChanges(stack.tables, reservationId)).at(-1);
    expect([later?.status, later?.previousStatus, later?.currentStatus]).toEqual([
      'CAPTURED',
      'CHARGED',
      'CAPTURED',
    ]);
    expect((await readReservation(stack.tables, reservationId)).status).toBe('CAPTURED');
  });

  it('records partial captures of other amounts as separate changes', async () => {
    const { reservationId, reservationUuid: uuid } = await stack.createReservation();
    await stack.sandbox.pay(uuid, 'visa');
    await stack.sandbox.capture(uuid, 400);
    await stack.sandbox.capture(uuid, 600);
    // The second capture's callback repeats the first one's query (same second): the sweeper reads.
    await sweepKeptCallbacks(stack);

    const changes = await readStatusChanges(stack.tables, reservationId);
    expect(changes.map((c) => [c.status, c.amount])).toEqual([
      ['RESERVED', 1000],
      ['CAPTURED', 400],
      ['CAPTURED', 600],
    ]);
    expect(new Set(details().map((d) => d.eventId)).size).toBe(3);
    expect(await readReservation(stack.tables, reservationId)).toMatchObject({
      status: 'CAPTURED',
      version: 5,
    });
  });
});

describe('callback handler: refusals record nothing and publish nothing', () => {
  async function expectNothingRecorded(reservationId: string) {
    expect(await readStatusChanges(stack.tables, reservationId)).toEqual([]);
    expect(await readReservation(stack.tables, reservationId)).toMatchObject({
      status: 'SESSION_CREATED',
      version: 2,
    });
    expect(stack.bridge.events).toEqual([]);
  }

  it('answers 403 alike to a forged, a missing and a replayed checksum', async () => {
    const { reservationId, reservationUuid } = await stack.heldReservation();
    const fields = callbackFields(reservationUuid, 'Captured', { amount: '100' });
    const genuine = signedQuery(fields);
    const checksum = genuine.slice(genuine.lastIndexOf('=') + 1);

    const forged = await send(signedQuery(fields, 'guessed-secret'));
    const missing = await send(genuine.slice(0, genuine.lastIndexOf('&checksum=')));
    const replayed = await send(
      genuine
        .replace('amount=100', 'amount=100000')
        .replace(/checksum=.*$/, `checksum=${checksum}`),
    );
    const reordered = await send(
      genuine.replace('paymentMethod=Visa&amount=100', 'amount=100&paymentMethod=Visa'),
    );
    const empty = await send('');

    for (const response of [forged, missing, replayed, reordered, empty]) {
      expect(response).toEqual({ statusCode: 403, body: { message: 'Forbidden' } });
    }
    await expectNothingRecorded(reservationId);
  });

  // Signed, so kept and confirmed: but only what Front Payment's details show is recorded,
  // whatever the callback claims (see callback-forgery.test.ts and callback-kept.test.ts).
  it('records only what the details show for a signed callback with odd parameters', async () => {
    const { reservationId, reservationUuid } = await stack.heldReservation();
    const fields = callbackFields(reservationUuid, 'Charged', { amount: '99999' });

    const responses = [
      await sendSigned({ ...fields, amount: 'ten', createdAt: 'yesterday' }),
      await send(signedQuery([...Object.entries(fields), ['ref', 'abc']])),
      await sendSigned({ ...fields, status: 'success' }),
    ];

    for (const response of responses) expect(response.statusCode).toBe(200);
    expect(
      (await readStatusChanges(stack.tables, reservationId)).map((c) => [c.status, c.amount]),
    ).toEqual([['RESERVED', 1000]]);
  });
});

describe('callback handler: a reservation we do not know', () => {
  it('answers 404, keeps the callback for an operator and publishes nothing', async () => {
    const fields = callbackFields('RES0000000404', 'Reserved', { createdAt: '1755764100' });
    const query = signedQuery(fields);

    const first = await send(query);
    const second = await send(query);

    for (const response of [first, second]) {
      expect(response).toEqual({
        statusCode: 404,
        body: {
          message:
            'No reservation matches Front Payment uuid RES0000000404; the callback was kept for an operator',
        },
      });
    }
    const { Item } = await stack.tables.documents.send(
      new GetCommand({
        TableName: stack.tables.names.reservations,
        Key: inboxKeyOf(null, query),
        ConsistentRead: true,
      }),
    );
    const retentionDays = (Number(Item?.expiresAt) - Date.now() / 1000) / 86_400;
    expect(retentionDays).toBeGreaterThan(29.9);
    expect(retentionDays).toBeLessThan(30.1);
    // Kept unconfirmed: the sweeper tries again (the reservation may not be linked yet), and the
    // unconfirmed-callbacks alarm fires if it never matches.
    expect(Item).toMatchObject({
      itemType: 'CALLBACK',
      reservationUuid: 'RES0000000404',
      rawQueryString: query,
      outbox: 'UNCONFIRMED_CALLBACK',
    });
    // Kept under its own key only: the reservation lookup index must not find it.
    const lookup = await stack.tables.documents.send(
      new QueryCommand({
        TableName: stack.tables.names.reservations,
        IndexName: reservationsTableDesign.indexes.byFrontPaymentUuid.name,
        KeyConditionExpression: 'frontPaymentUuid = :uuid',
        ExpressionAttributeValues: { ':uuid': 'RES0000000404' },
      }),
    );
    expect(lookup.Items).toEqual([]);
    expect(stack.bridge.events).toEqual([]);
  });
});

describe('callback handler: configuration choices', () => {
  it('refuses a stale timestamp when CALLBACK_MAX_AGE_SECONDS is set', async () => {
    const strict = await stack.loadHandler({ extra: { CALLBACK_MAX_AGE_SECONDS: '300' } });
    const { reservationId, reservationUuid } = await stack.heldReservation();
    const fresh = callbackFields(reservationUuid, 'Reserved');
    const stale = callbackFields(reservationUuid, 'Captured', {
      timestamp: epochSeconds(new Date(Date.now() - 301_000)),
    });

    const staleResponse = await strict(callbackEvent(signedQuery(stale)));
    const afterStale = await readStatusChanges(stack.tables, reservationId);
    const freshResponse = await strict(callbackEvent(signedQuery(fresh)));

    expect(staleResponse.statusCode).toBe(403);
    expect(afterStale).toEqual([]);
    expect(freshResponse.statusCode).toBe(200);
    expect((await readStatusChanges(stack.tables, reservationId)).map((c) => c.status)).toEqual([
      'RESERVED',
    ]);
  });

  it('verifies with the formula CALLBACK_CHECKSUM_FORMULA names, and a custom EVENT_SOURCE', async () => {
    const legacy = await stack.loadHandler({
      extra: {
        CALLBACK_CHECKSUM_FORMULA: 'order-status-created-amount-timestamp',
        EVENT_SOURCE: 'merchant.payments',
      },
    });
    const { reservationUuid } = await stack.heldReservation();
    const fields = callbackFields(reservationUuid, 'Reserved');

    const current = await legacy(callbackEvent(signedQuery(fields)));
    const older = await legacy(
      callbackEvent(signedQuery(fields, undefined, 'order-status-created-amount-timestamp')),
    );

    expect(current.statusCode).toBe(403);
    expect(older.statusCode).toBe(200);
    expect(stack.bridge.events.map((event) => event.source)).toEqual(['merchant.payments']);
  });

  it('never trusts a field the legacy formula does not sign: only the details are recorded', async () => {
    const legacy = await stack.loadHandler({
      extra: { CALLBACK_CHECKSUM_FORMULA: 'order-status-created' },
    });
    const { reservationId, reservationUuid } = await stack.heldReservation();
    const signed = signedQuery(
      callbackFields(reservationUuid, 'Captured'),
      undefined,
      'order-status-created',
    );
    // `amount` and `timestamp` are not signed by this formula: anyone could change them.
    const rewritten = signed.replace('amount=1000', 'amount=999999');

    const response = await legacy(callbackEvent(rewritten, reservationId));

    expect(response.statusCode).toBe(200);
    expect(
      (await readStatusChanges(stack.tables, reservationId)).map((c) => [c.status, c.amount]),
    ).toEqual([['RESERVED', 1000]]);
    expect(JSON.stringify(stack.events())).not.toContain('999999');
  });
});
