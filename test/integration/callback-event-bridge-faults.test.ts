import { describe, expect, it } from 'vitest';
import { EVENT_BRIDGE_MAX_ATTEMPTS } from '#shared/aws/eventbridge';
import { STATUS_EVENT_NOT_PUBLISHED } from '#shared/events/outbox-log';
import type { StatusChangedDetail } from '#shared/events/status-changed-event';
import { PENDING_OUTBOX } from '#shared/reservations/table-design';
import { publishPendingEvents } from '../../functions/publish-pending/publish-pending.ts';
import {
  callbackFields,
  readStatusChanges,
  signedQuery,
  useCallbackStack,
} from '../support/callback-fixtures.ts';
import { collectingLog, sweeperDependencies } from '../support/outbox-sweeper.ts';

/**
 * Tries the callback's publisher makes. A failed entry comes in a 200 answer, which the SDK does
 * not retry itself, so this many entry failures exhaust one callback.
 */
const ALL_TRIES_OF_ONE_CALLBACK = 2;
/** Each publisher try is up to EVENT_BRIDGE_MAX_ATTEMPTS requests when they fail with a 5xx. */
const ALL_REQUESTS_OF_ONE_CALLBACK = ALL_TRIES_OF_ONE_CALLBACK * EVENT_BRIDGE_MAX_ATTEMPTS;

const stack = useCallbackStack();
const { send } = stack;

const eventIds = () =>
  stack.bridge.events.map((event) => (event.detail as StatusChangedDetail).eventId);

function sweeper(log = collectingLog()) {
  const dependencies = sweeperDependencies(stack.tables, stack.eventBridge, {
    log,
    // Two minutes later: past the sweeper's minimum age and any publish lease.
    now: () => new Date(Date.now() + 120_000),
  });
  return () => publishPendingEvents(dependencies);
}

describe('EventBridge failures while a callback is handled', () => {
  it('retries entries EventBridge failed inside a 200 answer: the event arrives once', async () => {
    const { reservationId, reservationUuid: frontPaymentUuid } = await stack.heldReservation();
    stack.bridge.failNextEntries(ALL_TRIES_OF_ONE_CALLBACK - 1);

    const response = await send(signedQuery(callbackFields(frontPaymentUuid, 'Reserved')));

    expect(response).toEqual({
      statusCode: 200,
      body: { received: true, confirmed: true, duplicate: false },
    });
    const [change] = await readStatusChanges(stack.tables, reservationId);
    expect(eventIds()).toEqual([change?.eventId]);
    expect(change?.outbox).toBeUndefined();
  });

  it('survives failed requests (HTTP 500) through the SDK and publisher retries', async () => {
    const { reservationId, reservationUuid: frontPaymentUuid } = await stack.heldReservation();
    stack.bridge.failNextRequests(ALL_REQUESTS_OF_ONE_CALLBACK - 1, 500);

    const response = await send(signedQuery(callbackFields(frontPaymentUuid, 'Reserved')));

    expect(response.statusCode).toBe(200);
    const [change] = await readStatusChanges(stack.tables, reservationId);
    expect(eventIds()).toEqual([change?.eventId]);
  });

  it('answers 200 when every try fails, keeps the event pending, and the sweeper delivers it once', async () => {
    const { reservationId, reservationUuid: frontPaymentUuid } = await stack.heldReservation();
    stack.bridge.failNextEntries(ALL_TRIES_OF_ONE_CALLBACK);

    const response = await send(signedQuery(callbackFields(frontPaymentUuid, 'Captured')));

    // Recorded durably, so Front Payment hears success even though the event is not out yet.
    expect(response).toEqual({
      statusCode: 200,
      body: { received: true, confirmed: true, duplicate: false },
    });
    expect(stack.bridge.events).toEqual([]);
    const [pending] = await readStatusChanges(stack.tables, reservationId);
    expect(pending?.outbox).toBe(PENDING_OUTBOX);
    // The callback gave its publish lease back, so the next publisher need not wait for it.
    expect(pending?.publishLeaseUntil).toBeUndefined();

    const sweep = sweeper();
    const first = await sweep();
    const second = await sweep();

    expect(first).toMatchObject({ claimed: 1, published: [pending?.eventId], failed: [] });
    expect(second).toMatchObject({ found: 0, published: [] });
    expect(eventIds()).toEqual([pending?.eventId]);
    expect(stack.bridge.events[0]?.detail).toEqual(pending?.detail);
    const [published] = await readStatusChanges(stack.tables, reservationId);
    expect(published?.outbox).toBeUndefined();
    expect(published?.publishedAt).toEqual(expect.any(String));
  });

  it('records nothing again for retried callbacks; the sweeper publishes the pending event once', async () => {
    const { reservationId, reservationUuid } = await stack.heldReservation();
    const query = signedQuery(callbackFields(reservationUuid, 'Charged'));
    stack.bridge.failNextEntries(ALL_TRIES_OF_ONE_CALLBACK);

    const failed = await send(query);
    const retried = await send(query);
    const retriedAgain = await send(query);
    await sweeper()();

    // Retries of the identical query within the details read interval are kept for the sweeper
    // (docs/callbacks.md): no second details read, nothing recorded again.
    expect([failed.body, retried.body, retriedAgain.body]).toEqual([
      { received: true, confirmed: true, duplicate: false },
      { received: true, confirmed: false },
      { received: true, confirmed: false },
    ]);
    const [change] = await readStatusChanges(stack.tables, reservationId);
    expect(eventIds()).toEqual([change?.eventId]);
    expect(change?.outbox).toBeUndefined();
  });

  it('keeps the event pending when the sweeper also fails, and reports it', async () => {
    const { reservationId, reservationUuid: frontPaymentUuid } = await stack.heldReservation();
    stack.bridge.failNextEntries(ALL_TRIES_OF_ONE_CALLBACK);
    await send(signedQuery(callbackFields(frontPaymentUuid, 'Reserved')));
    const log = collectingLog();
    stack.bridge.failNextEntries(100);

    const result = await sweeper(log)();

    expect(result.failed.map((failure) => failure.eventId)).toEqual([
      (await readStatusChanges(stack.tables, reservationId))[0]?.eventId,
    ]);
    // The line the outbox alarms count (infra/operations.ts).
    expect(log.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', message: STATUS_EVENT_NOT_PUBLISHED }),
    );
    const [change] = await readStatusChanges(stack.tables, reservationId);
    expect(change?.outbox).toBe(PENDING_OUTBOX);
    stack.bridge.clear();

    await sweeper()();
    expect(eventIds()).toEqual([change?.eventId]);
  });
});
