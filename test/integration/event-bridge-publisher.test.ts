import { describe, expect, it } from 'vitest';
import { changeIdOf, eventIdOf } from '#shared/callbacks/change-id';
import { createEventPublisher } from '#shared/events/event-publisher';
import {
  STATUS_CHANGED_DETAIL_TYPE,
  type StatusChangedDetail,
} from '#shared/events/status-changed-event';
import { useLocalEventBridge } from '../support/local-event-bridge.ts';

// The SDK's own retries are off so each injected request failure reaches the publisher.
const local = useLocalEventBridge({ maxAttempts: 1 });

function publisher(maxAttempts = 4) {
  return createEventPublisher({
    client: local.client,
    eventBusName: 'reservations-bus',
    source: 'test.reservations',
    maxAttempts,
    baseDelayMs: 5,
  });
}

function details(count: number): StatusChangedDetail[] {
  return Array.from({ length: count }, (_, n) => {
    const changeId = changeIdOf('RES1', `CAPTURED:CAP${n + 1}`);
    return {
      schemaVersion: 2,
      eventId: eventIdOf(changeId),
      reservationId: 'rsv_1',
      reservationUuid: 'RES1',
      status: 'CAPTURED',
      previousStatus: 'RESERVED',
      currentStatus: 'CAPTURED',
      amount: n + 1,
      reference: `CAP${n + 1}`,
      reservedAmount: 1000,
      capturedAmount: n + 1,
      chargedAmount: 0,
      refundedAmount: 0,
      occurredAt: '2025-08-21T08:15:00.000Z',
      orderCreatedAt: '2025-08-20T08:15:00.000Z',
      receivedAt: '2025-08-21T08:15:33.000Z',
    };
  });
}

const receivedIds = () =>
  local.bridge.events.map((event) => (event.detail as StatusChangedDetail).eventId);

describe('event publisher against the local EventBridge', () => {
  it('sends each event once with our source, detail type and bus, in batches of at most 10', async () => {
    // The stand-in refuses requests of more than 10 entries, so 23 arriving proves the batching.
    const events = details(23);

    const result = await publisher().publish(events);

    expect(result).toEqual({ published: events.map((e) => e.eventId), failed: [] });
    expect(receivedIds()).toEqual(events.map((e) => e.eventId));
    expect(local.bridge.events[0]).toMatchObject({
      source: 'test.reservations',
      detailType: STATUS_CHANGED_DETAIL_TYPE,
      eventBusName: 'reservations-bus',
      detail: events[0],
    });
  });

  it('retries only the entries that failed inside a 200 answer; each arrives once', async () => {
    const events = details(5);
    local.bridge.failNextEntries(2);

    const result = await publisher().publish(events);

    expect(result.failed).toEqual([]);
    expect(result.published).toEqual(events.map((e) => e.eventId));
    expect(receivedIds().sort()).toEqual(events.map((e) => e.eventId).sort());
    // The first two failed, so they come last: sent again after the others were accepted.
    expect(receivedIds().slice(3).sort()).toEqual(
      events
        .slice(0, 2)
        .map((e) => e.eventId)
        .sort(),
    );
  });

  it('retries whole requests that failed with a 5xx', async () => {
    const events = details(2);
    local.bridge.failNextRequests(2, 500);

    const result = await publisher().publish(events);

    expect(result.published).toEqual(events.map((e) => e.eventId));
    expect(receivedIds()).toEqual(events.map((e) => e.eventId));
  });

  it('gives up after a bounded number of tries and reports every event it could not send', async () => {
    const events = details(3);
    local.bridge.failNextEntries(100);

    const result = await publisher(3).publish(events);

    expect(result.published).toEqual([]);
    expect(result.failed).toEqual(
      events.map((e) => ({
        eventId: e.eventId,
        errorCode: 'InternalFailure',
        errorMessage: 'Injected entry failure',
      })),
    );
    expect(local.bridge.events).toHaveLength(0);
    local.bridge.clear();
  });

  it('does not retry a request the service refused as invalid (400)', async () => {
    const events = details(1);
    local.bridge.failNextRequests(1, 400);

    const result = await publisher().publish(events);

    expect(result.failed).toEqual([
      expect.objectContaining({ eventId: events[0]?.eventId, errorCode: 'ValidationException' }),
    ]);
    expect(local.bridge.events).toHaveLength(0);
    // Nothing was swallowed: the same event goes through on the next call.
    expect((await publisher().publish(events)).published).toEqual([events[0]?.eventId]);
  });

  it('starts no try after its deadline and reports what it could not send', async () => {
    const events = details(2);
    let requests = 0;
    const counted = createEventPublisher({
      client: {
        send(command, options) {
          requests += 1;
          return local.client.send(command, options);
        },
      },
      eventBusName: 'reservations-bus',
      source: 'test.reservations',
      maxAttempts: 4,
      baseDelayMs: 1_000,
    });
    local.bridge.failNextEntries(100);

    const beforeBackoff = await counted.publish(events, { deadline: Date.now() + 300 });
    const past = await counted.publish(events, { deadline: Date.now() - 1 });
    local.bridge.clear();

    // One try, then a backoff of at least 500 ms would end past the deadline: no second try.
    expect(requests).toBe(1);
    expect(beforeBackoff.failed.map((f) => f.errorCode)).toEqual([
      'InternalFailure',
      'InternalFailure',
    ]);
    expect(past).toEqual({
      published: [],
      failed: events.map((e) =>
        expect.objectContaining({ eventId: e.eventId, errorCode: 'DeadlineExceeded' }),
      ),
    });
  });

  it('never abandons a request in flight at the deadline (EventBridge may have taken it)', async () => {
    const events = details(2);
    const timeouts: (number | undefined)[] = [];
    // A slow EventBridge: the request is sent before the deadline and answered after it.
    const slow = createEventPublisher({
      client: {
        async send(command, options) {
          timeouts.push(options?.requestTimeout);
          await new Promise((resolve) => setTimeout(resolve, 300));
          return local.client.send(command, options);
        },
      },
      eventBusName: 'reservations-bus',
      source: 'test.reservations',
      requestTimeoutMs: 2_000,
    });

    const result = await slow.publish(events, { deadline: Date.now() + 50 });
    const bounded = await slow.publish(events, {
      deadline: Date.now() + 50,
      endBy: Date.now() + 1_000,
    });

    expect(result).toEqual({ published: events.map((e) => e.eventId), failed: [] });
    expect(bounded.published).toHaveLength(2);
    // The client's own timeout, shortened only by the caller's hard end.
    expect(timeouts[0]).toBe(2_000);
    expect(timeouts[1]).toBeLessThanOrEqual(1_000);
  });

  it('reports an event larger than PutEvents takes without sending it', async () => {
    const [event] = details(1);
    if (!event) throw new Error('no event');
    const huge = { ...event, reference: 'x'.repeat(300 * 1024) };

    const result = await publisher().publish([huge]);

    expect(result.failed).toEqual([expect.objectContaining({ errorCode: 'EntryTooLarge' })]);
    expect(local.bridge.events).toHaveLength(0);
  });
});
