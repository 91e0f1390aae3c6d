import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EVENT_SOURCE,
  STATUS_CHANGED_DETAIL_TYPE,
  type StatusChangedDetail,
  StatusChangedDetailSchema,
} from '#shared/events/status-changed-event';
import { reservationKeys, reservationsTableDesign } from '#shared/reservations/table-design';
import {
  type CallbackFields,
  callbackEvent,
  callbackFields,
  epochSeconds,
  readReservation,
  readStatusChanges,
  seedReservation,
  signedQuery,
  useCallbackStack,
} from '../support/callback-fixtures.ts';

const stack = useCallbackStack();
const { send } = stack;

const sendSigned = (fields: CallbackFields) => send(signedQuery(fields));
const details = () => stack.bridge.events.map((event) => event.detail as StatusChangedDetail);

describe('callback handler: recording and publishing', () => {
  it('records Reserved -> Captured -> Charged and publishes one event per change', async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);
    const steps = [
      callbackFields(frontPaymentUuid, 'Reserved', { createdAt: '1755764100', amount: '1000' }),
      callbackFields(frontPaymentUuid, 'Captured', { createdAt: '1755764200', amount: '1000' }),
      callbackFields(frontPaymentUuid, 'Charged', { createdAt: '1755764300', amount: '250.50' }),
    ];

    for (const fields of steps) {
      expect(await sendSigned(fields)).toEqual({
        statusCode: 200,
        body: { received: true, duplicate: false },
      });
    }

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
      schemaVersion: 1,
      eventId: changes[2]?.eventId,
      reservationId,
      reservationUuid: frontPaymentUuid,
      status: 'CHARGED',
      previousStatus: 'CAPTURED',
      currentStatus: 'CHARGED',
      rawStatus: 'Charged',
      amount: 250.5,
      paymentMethod: 'Visa',
      occurredAt: '2025-08-21T08:18:20.000Z',
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('treats the same notification delivered again, even re-sent later, as one change', async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);
    const fields = callbackFields(frontPaymentUuid, 'RESEVRED', { createdAt: '1755764100' });

    const first = await sendSigned(fields);
    const again = await sendSigned(fields);
    // Front Payment's resend: new send time (so a new checksum), different spelling.
    const resent = await sendSigned({ ...fields, status: 'Reserved', timestamp: epochSeconds() });

    expect(first.body).toEqual({ received: true, duplicate: false });
    expect(again).toEqual({ statusCode: 200, body: { received: true, duplicate: true } });
    expect(resent).toEqual({ statusCode: 200, body: { received: true, duplicate: true } });
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(1);
    expect((await readReservation(stack.tables, reservationId)).version).toBe(3);
    expect(details()).toHaveLength(1);
    expect(details()[0]).toMatchObject({ status: 'RESERVED', rawStatus: 'RESEVRED' });
  });

  it('records a late RESERVED after CAPTURED in history without moving the status back', async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);

    await sendSigned(callbackFields(frontPaymentUuid, 'Captured', { createdAt: '1755764200' }));
    const late = await sendSigned(
      callbackFields(frontPaymentUuid, 'Reserved', { createdAt: '1755764100' }),
    );

    expect(late).toEqual({ statusCode: 200, body: { received: true, duplicate: false } });
    expect(await readReservation(stack.tables, reservationId)).toMatchObject({
      status: 'CAPTURED',
      version: 4,
    });
    const changes = await readStatusChanges(stack.tables, reservationId);
    expect(changes.map((c) => [c.status, c.advanced, c.currentStatus])).toEqual([
      ['CAPTURED', true, 'CAPTURED'],
      ['RESERVED', false, 'CAPTURED'],
    ]);
    expect(details().map((d) => [d.status, d.previousStatus, d.currentStatus])).toEqual([
      ['CAPTURED', 'SESSION_CREATED', 'CAPTURED'],
      ['RESERVED', 'CAPTURED', 'CAPTURED'],
    ]);
  });

  it('records partial captures with other amounts or times as separate changes', async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);
    const firstCapture = callbackFields(frontPaymentUuid, 'Captured', {
      createdAt: '1755764200',
      amount: '400',
    });

    const responses = [
      await sendSigned(firstCapture),
      await sendSigned({ ...firstCapture, amount: '600' }),
      await sendSigned({ ...firstCapture, createdAt: '1755764999' }),
      await sendSigned({ ...firstCapture, amount: '400.00', timestamp: epochSeconds() }),
    ];

    expect(responses.map((r) => r.body.duplicate)).toEqual([false, false, false, true]);
    const changes = await readStatusChanges(stack.tables, reservationId);
    expect(changes.map((c) => [c.status, c.amount, c.createdAt])).toEqual([
      ['CAPTURED', 400, '1755764200'],
      ['CAPTURED', 600, '1755764200'],
      ['CAPTURED', 400, '1755764999'],
    ]);
    expect(new Set(details().map((d) => d.eventId)).size).toBe(3);
    expect(details().map((d) => d.amount)).toEqual([400, 600, 400]);
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
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);
    const fields = callbackFields(frontPaymentUuid, 'Captured', { amount: '100' });
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

  // A valid checksum proves little when the parameters do not have Front Payment's exact form
  // (see callback-forgery.test.ts), so such a callback is refused like a forged one.
  it('answers the same 403 to a signed callback with malformed or unknown parameters', async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);
    const fields = callbackFields(frontPaymentUuid, 'Captured');

    const responses = [
      await sendSigned({ ...fields, amount: 'ten', createdAt: 'yesterday' }),
      await send(signedQuery([...Object.entries(fields), ['ref', 'abc']])),
      await sendSigned({ ...fields, orderUuid: frontPaymentUuid.toLowerCase() }),
    ];

    for (const response of responses) {
      expect(response).toEqual({ statusCode: 403, body: { message: 'Forbidden' } });
    }
    await expectNothingRecorded(reservationId);
  });

  it('answers the same 403 to a status it does not know', async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);

    const response = await sendSigned(callbackFields(frontPaymentUuid, 'success'));

    expect(response).toEqual({ statusCode: 403, body: { message: 'Forbidden' } });
    await expectNothingRecorded(reservationId);
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
            'No reservation has Front Payment uuid RES0000000404; the callback was kept for an operator',
        },
      });
    }
    const { Items = [] } = await stack.tables.documents.send(
      new QueryCommand({
        TableName: stack.tables.names.reservations,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': reservationKeys.unmatchedCallback('RES0000000404', 'x').pk,
        },
      }),
    );
    expect(Items).toHaveLength(1);
    const retentionDays = (Number(Items[0]?.expiresAt) - Date.now() / 1000) / 86_400;
    expect(retentionDays).toBeGreaterThan(29.9);
    expect(retentionDays).toBeLessThan(30.1);
    expect(Items[0]).toMatchObject({
      itemType: 'UNMATCHED_CALLBACK',
      orderUuid: 'RES0000000404',
      status: 'RESERVED',
      rawStatus: 'Reserved',
      rawQueryString: query,
      deliveries: 2,
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
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);
    const fresh = callbackFields(frontPaymentUuid, 'Reserved');
    const stale = callbackFields(frontPaymentUuid, 'Captured', {
      timestamp: epochSeconds(new Date(Date.now() - 301_000)),
    });

    const staleResponse = await strict(callbackEvent(signedQuery(stale)));
    const freshResponse = await strict(callbackEvent(signedQuery(fresh)));

    expect(staleResponse.statusCode).toBe(403);
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
    const { frontPaymentUuid } = await seedReservation(stack.tables);
    const fields = callbackFields(frontPaymentUuid, 'Reserved');

    const current = await legacy(callbackEvent(signedQuery(fields)));
    const older = await legacy(
      callbackEvent(signedQuery(fields, undefined, 'order-status-created-amount-timestamp')),
    );

    expect(current.statusCode).toBe(403);
    expect(older.statusCode).toBe(200);
    expect(stack.bridge.events.map((event) => event.source)).toEqual(['merchant.payments']);
  });
});
