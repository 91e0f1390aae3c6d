import * as v from 'valibot';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type StatusChangedDetail,
  StatusChangedDetailSchema,
} from '#shared/events/status-changed-event';
import {
  readReservation,
  readStatusChanges,
  resentLater,
  scanTable,
  sweepKeptCallbacks,
  useCallbackStack,
} from '../support/callback-fixtures.ts';

const stack = useCallbackStack();

/** What a consumer checks of each event: the change, its own amount and the totals after it. */
function summary(detail: StatusChangedDetail) {
  return {
    status: detail.status,
    amount: detail.amount,
    reference: detail.reference === null ? null : detail.reference.slice(0, 3),
    totals: [
      detail.reservedAmount,
      detail.capturedAmount,
      detail.chargedAmount,
      detail.refundedAmount,
    ],
  };
}

/** Fisher-Yates with a fixed seed: the order is scrambled, the same on every run. */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const copy = [...items];
  let state = seed;
  for (let index = copy.length - 1; index > 0; index -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

const PERSONAL_DATA = ['kari.nordmann@example.com', 'Kari Nordmann', '46567468', 'Storgata'];

describe.each([
  ['as Front Payment documents them (order time and total in every callback)', false],
  ['with the per-change-amounts quirk (each change its own time and amount)', true],
])('callbacks %s', (_form, perChangeAmounts) => {
  beforeEach(() => stack.sandbox.setQuirks({ perChangeAmounts }));

  it('publishes one event per money movement with its own amount and the cumulative totals', async () => {
    const { reservationId, reservationUuid } = await stack.createReservation();
    const uuid = reservationUuid;

    await stack.sandbox.pay(uuid, 'visa');
    await stack.sandbox.capture(uuid, 400);
    // A change in the same second as the one before can repeat its query, whose details read
    // is then the sweeper's: each is swept before the next change, so the totals are as here.
    await stack.sandbox.capture(uuid, 400);
    await sweepKeptCallbacks(stack);
    await stack.sandbox.charge(uuid, 150);
    await stack.sandbox.charge(uuid, 150);
    await sweepKeptCallbacks(stack);
    // Front Payment sends no callback for a refund: the next callback's details show it.
    await stack.sandbox.refund(uuid, { amount: 100, source: 'captured' });
    await stack.sandbox.charge(uuid, 50);
    await sweepKeptCallbacks(stack);

    const answered = stack.sandbox.callbacks.filter(
      (callback) => callback.reservationUuid === uuid,
    );
    expect(answered.map((callback) => callback.statusCode)).toEqual(Array(6).fill(200));
    const events = stack.events();
    expect(events.map(summary)).toEqual([
      { status: 'RESERVED', amount: 1000, reference: null, totals: [1000, 0, 0, 0] },
      { status: 'CAPTURED', amount: 400, reference: 'CAP', totals: [1000, 400, 0, 0] },
      { status: 'CAPTURED', amount: 400, reference: 'CAP', totals: [1000, 800, 0, 0] },
      { status: 'CHARGED', amount: 150, reference: 'CHA', totals: [1000, 800, 150, 0] },
      { status: 'CHARGED', amount: 150, reference: 'CHA', totals: [1000, 800, 300, 0] },
      { status: 'CHARGED', amount: 50, reference: 'CHA', totals: [1000, 800, 350, 100] },
      { status: 'REFUNDED', amount: 100, reference: null, totals: [1000, 800, 350, 100] },
    ]);
    // Two captures of the same amount are two changes, each with Front Payment's own id.
    const captures = stack.sandbox.reservations().find((r) => r.reservationUuid === uuid);
    expect(events.filter((e) => e.status === 'CAPTURED').map((e) => e.reference)).toEqual(
      captures?.movements.filter((m) => m.kind === 'captured').map((m) => m.reference),
    );
    for (const event of events) expect(v.is(StatusChangedDetailSchema, event)).toBe(true);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    expect(events[0]).toMatchObject({
      schemaVersion: 2,
      reservationId,
      reservationUuid: uuid,
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      orderCreatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    // The details' status, not the refund's: a partial refund does not make it REFUNDED.
    const reservation = await readReservation(stack.tables, reservationId);
    expect(reservation.status).toBe('CHARGED');
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(7);
  });

  it('changes nothing when every callback comes 10 more times, resent and shuffled', async () => {
    const { reservationId, reservationUuid: uuid } = await stack.createReservation();
    await stack.sandbox.pay(uuid, 'mastercard');
    await stack.sandbox.capture(uuid, 400);
    await stack.sandbox.capture(uuid, 400);
    await stack.sandbox.charge(uuid, 75);
    await sweepKeptCallbacks(stack);
    const before = stack.events();
    const sent = stack.sentQueries(uuid);

    const replays = shuffled(
      sent.flatMap((query) => [
        ...Array.from({ length: 5 }, () => query),
        ...Array.from({ length: 5 }, (_, index) => resentLater(query, index + 1)),
      ]),
    );
    // Ten at a time, as concurrent Lambdas would take them.
    const answers = [];
    for (let start = 0; start < replays.length; start += 10) {
      answers.push(
        ...(await Promise.all(
          replays.slice(start, start + 10).map((query) => stack.send(query, reservationId)),
        )),
      );
    }

    expect(sent).toHaveLength(4);
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(40).fill(200));
    // A resend (new timestamp) is read at once and is a duplicate; an identical repeat within the
    // details read interval is kept for the sweeper, whose read finds nothing new either.
    expect(
      answers.every((answer) => answer.body.duplicate === true || answer.body.confirmed === false),
    ).toBe(true);
    await sweepKeptCallbacks(stack);
    expect(stack.events()).toEqual(before);
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(4);
  });

  it('records everything once when the callbacks arrive newest first', async () => {
    stack.sandbox.setQuirks({ reverseCallbackOrder: true });
    const { reservationId, reservationUuid: uuid } = await stack.createReservation();
    await stack.sandbox.pay(uuid, 'visa');
    await stack.sandbox.capture(uuid, 300);
    await stack.sandbox.charge(uuid, 20);

    const delivered = await stack.sandbox.flushCallbacks(uuid);

    expect(delivered.map((callback) => callback.statusCode)).toEqual([200, 200, 200]);
    expect(stack.events().map(summary)).toEqual([
      { status: 'RESERVED', amount: 1000, reference: null, totals: [1000, 300, 20, 0] },
      { status: 'CAPTURED', amount: 300, reference: 'CAP', totals: [1000, 300, 20, 0] },
      { status: 'CHARGED', amount: 20, reference: 'CHA', totals: [1000, 300, 20, 0] },
    ]);
    expect((await readReservation(stack.tables, reservationId)).status).toBe('CHARGED');
  });

  it('lands both changes when two callbacks for different changes arrive at once', async () => {
    const { reservationId, reservationUuid: uuid } = await stack.createReservation();
    await stack.sandbox.pay(uuid, 'visa');

    await Promise.all([stack.sandbox.capture(uuid, 250), stack.sandbox.charge(uuid, 60)]);

    expect(stack.events().map((e) => [e.status, e.amount])).toEqual(
      expect.arrayContaining([
        ['RESERVED', 1000],
        ['CAPTURED', 250],
        ['CHARGED', 60],
      ]),
    );
    expect(stack.events()).toHaveLength(3);
    const history = await readStatusChanges(stack.tables, reservationId);
    expect(history.map((change) => change.reservationVersion)).toEqual([3, 4, 5]);
    expect((await readReservation(stack.tables, reservationId)).status).toBe('CHARGED');
  });
});

describe('details are the truth, callbacks only the signal', () => {
  it('learns a refund from a resent callback, once', async () => {
    const { reservationId, reservationUuid: uuid } = await stack.createReservation();
    await stack.sandbox.pay(uuid, 'visa');
    await stack.sandbox.capture(uuid, 500);
    await stack.sandbox.refund(uuid, { amount: 120, source: 'captured' });
    const [, capture = ''] = stack.sentQueries(uuid);

    const first = await stack.send(resentLater(capture, 30), reservationId);
    const second = await stack.send(resentLater(capture, 60), reservationId);

    expect(first.body).toEqual({ received: true, confirmed: true, duplicate: false });
    expect(second.body).toEqual({ received: true, confirmed: true, duplicate: true });
    expect(stack.events().map(summary).at(-1)).toEqual({
      status: 'REFUNDED',
      amount: 120,
      reference: null,
      totals: [1000, 500, 0, 120],
    });
    expect(stack.events().filter((event) => event.status === 'REFUNDED')).toHaveLength(1);
    expect((await readReservation(stack.tables, reservationId)).status).toBe('CAPTURED');
  });

  it('itemises two refunds made at Front Payment before one read: one REFUNDED event each', async () => {
    const { reservationId, reservationUuid: uuid } = await stack.createReservation();
    await stack.sandbox.pay(uuid, 'visa');
    await stack.sandbox.capture(uuid, 500);
    await stack.sandbox.refund(uuid, { amount: 100, source: 'captured' });
    await stack.sandbox.refund(uuid, { amount: 150, source: 'captured' });
    const [, capture = ''] = stack.sentQueries(uuid);

    await stack.send(resentLater(capture, 30), reservationId);
    await stack.send(resentLater(capture, 60), reservationId);

    const refunds = stack.events().filter((event) => event.status === 'REFUNDED');
    expect(refunds.map(summary)).toEqual([
      { status: 'REFUNDED', amount: 100, reference: null, totals: [1000, 500, 0, 250] },
      { status: 'REFUNDED', amount: 150, reference: null, totals: [1000, 500, 0, 250] },
    ]);
    expect(new Set(refunds.map((event) => event.eventId)).size).toBe(2);
    for (const refund of refunds) expect(refund.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(4);
  });

  it('tells apart two refunds of the same amount in the same minute only by their count', async () => {
    const { reservationId, reservationUuid: uuid } = await stack.createReservation();
    await stack.sandbox.pay(uuid, 'visa');
    await stack.sandbox.capture(uuid, 500);
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await stack.sandbox.refund(uuid, { amount: 100, source: 'captured' }, minute);
    await stack.sandbox.refund(
      uuid,
      { amount: 100, source: 'captured' },
      new Date(minute.getTime() + 20_000),
    );
    const [, capture = ''] = stack.sentQueries(uuid);

    await stack.send(resentLater(capture, 30), reservationId);
    await stack.send(resentLater(capture, 60), reservationId);

    const refunds = stack.events().filter((event) => event.status === 'REFUNDED');
    expect(refunds.map(summary)).toEqual([
      { status: 'REFUNDED', amount: 100, reference: null, totals: [1000, 500, 0, 200] },
      { status: 'REFUNDED', amount: 100, reference: null, totals: [1000, 500, 0, 200] },
    ]);
    expect(refunds[0]?.occurredAt).toBe(refunds[1]?.occurredAt);
    expect(new Set(refunds.map((event) => event.eventId)).size).toBe(2);
  });

  it('records a refund from a later read when the history cannot be read, never as part of a sum', async () => {
    const { reservationId, reservationUuid: uuid } = await stack.createReservation();
    await stack.sandbox.pay(uuid, 'visa');
    await stack.sandbox.capture(uuid, 500);
    await stack.sandbox.refund(uuid, { amount: 100, source: 'captured' });
    const [, capture = ''] = stack.sentQueries(uuid);
    // The details read passes; the history read after it fails.
    stack.sandbox.injectFault({ kind: 'delay', delayMs: 0 });
    stack.sandbox.injectFault({ kind: 'status', statusCode: 500 });

    const first = await stack.send(resentLater(capture, 30), reservationId);
    const refundsAfterFirst = stack.events().filter((event) => event.status === 'REFUNDED');
    await stack.sandbox.refund(uuid, { amount: 50, source: 'captured' });
    await stack.send(resentLater(capture, 60), reservationId);

    expect(first.body).toMatchObject({ received: true, confirmed: true });
    expect(refundsAfterFirst).toEqual([]);
    expect(
      stack
        .events()
        .filter((event) => event.status === 'REFUNDED')
        .map((event) => event.amount),
    ).toEqual([100, 50]);
  });

  it('finds the reservation through the index for callbacks on the old path', async () => {
    const { reservationId, reservationUuid: uuid } = await stack.createReservation({
      legacyPath: true,
    });

    await stack.sandbox.pay(uuid, 'visa');

    expect(stack.sandbox.callbacks.at(-1)?.url).toContain('/callbacks/front-payment?');
    expect(stack.events().map((e) => [e.reservationId, e.status])).toEqual([
      [reservationId, 'RESERVED'],
    ]);
  });

  it('never keeps or publishes the personal data Front Payment returns in its details', async () => {
    const { reservationUuid: uuid } = await stack.createReservation();
    await stack.sandbox.pay(uuid, 'visa');
    await stack.sandbox.capture(uuid, 100);
    const details = await fetch(
      `${stack.sandbox.url}/api/v1/connect/reservations/details/${uuid}`,
      { headers: { authorization: 'Bearer callback-test-token' } },
    ).then((response) => response.text());

    const stored = JSON.stringify(await scanTable(stack.tables));
    const published = JSON.stringify(stack.bridge.events);

    for (const value of PERSONAL_DATA) {
      // The sandbox does send it: the test would prove nothing otherwise.
      expect(details).toContain(value);
      expect(stored).not.toContain(value);
      expect(published).not.toContain(value);
    }
  });

  it('refuses a path whose reservation is not the one the signed uuid names', async () => {
    const first = await stack.createReservation();
    const second = await stack.createReservation();
    await stack.sandbox.pay(first.reservationUuid, 'visa');
    const [query = ''] = stack.sentQueries(first.reservationUuid);
    const eventsBefore = stack.events().length;

    const answer = await stack.send(resentLater(query, 5), second.reservationId);

    expect(answer.statusCode).toBe(404);
    expect(stack.events()).toHaveLength(eventsBefore);
    expect(await readStatusChanges(stack.tables, second.reservationId)).toEqual([]);
  });

  it('answers 400 naming the field when the path does not carry a reservation id', async () => {
    const { reservationUuid: uuid } = await stack.createReservation();
    await stack.sandbox.pay(uuid, 'visa');
    const [query = ''] = stack.sentQueries(uuid);

    const answer = await stack.send(query, 'not-an-id');

    expect(answer).toEqual({
      statusCode: 400,
      body: {
        message: 'The callback path does not carry a reservation id',
        errors: [{ path: 'reservationId', message: 'must be a reservation id' }],
      },
    });
  });
});
