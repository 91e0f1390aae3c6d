import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { useLocalEventBridge } from '../support/local-event-bridge.ts';

// One try per call: these tests look at single answers, not at the SDK's retries.
const local = useLocalEventBridge({ maxAttempts: 1 });

/** One PutEvents call through the real SDK client. */
const putEvents = (entries: PutEventsRequestEntry[]) =>
  local.client.send(new PutEventsCommand({ Entries: entries }));

const entry = (n: number) => ({
  EventBusName: 'reservations-bus',
  Source: 'frontpayment.reservations',
  DetailType: 'Reservation Status Changed',
  Detail: JSON.stringify({ n }),
});

describe('local EventBridge stand-in, PutEvents from the real SDK', () => {
  it('accepts entries, assigns ids and keeps them in order with the parsed detail', async () => {
    const output = await putEvents([
      entry(1),
      { ...entry(2), Time: new Date('2026-01-01T00:00:00Z') },
    ]);

    expect(output.FailedEntryCount).toBe(0);
    expect(local.bridge.events.map((event) => event.detail)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(output.Entries?.map((result) => result.EventId)).toEqual(
      local.bridge.events.map((event) => event.eventId),
    );
    expect(local.bridge.events[0]).toMatchObject({
      eventBusName: 'reservations-bus',
      source: 'frontpayment.reservations',
      detailType: 'Reservation Status Changed',
    });
    expect(local.bridge.events[1]?.time).toBe('2026-01-01T00:00:00.000Z');
  });

  it('fails the next entries inside a 200 answer, which the SDK resolves without throwing', async () => {
    local.bridge.failNextEntries(1);

    const output = await putEvents([entry(1), entry(2)]);

    expect(output.FailedEntryCount).toBe(1);
    expect(output.Entries?.[0]).toEqual({
      ErrorCode: 'InternalFailure',
      ErrorMessage: 'Injected entry failure',
    });
    expect(output.Entries?.[1]?.EventId).toBeDefined();
    expect(local.bridge.events.map((event) => event.detail)).toEqual([{ n: 2 }]);
  });

  it('reports a malformed detail per entry, like the service', async () => {
    const output = await putEvents([{ ...entry(1), Detail: 'not json' }]);

    expect(output.FailedEntryCount).toBe(1);
    expect(output.Entries?.[0]?.ErrorCode).toBe('MalformedDetail');
    expect(local.bridge.events).toHaveLength(0);
  });

  it('fails whole requests: 500 InternalException and 400 ValidationException', async () => {
    local.bridge.failNextRequests(1, 500);
    await expect(putEvents([entry(1)])).rejects.toMatchObject({
      name: 'InternalException',
      $fault: 'server',
    });

    local.bridge.failNextRequests(1, 400);
    await expect(putEvents([entry(1)])).rejects.toMatchObject({
      name: 'ValidationException',
      $fault: 'client',
    });

    await putEvents([entry(3)]);
    expect(local.bridge.events.map((event) => event.detail)).toEqual([{ n: 3 }]);
  });

  it('rejects more than 10 entries and more than 256 KB, as the service does', async () => {
    const eleven = Array.from({ length: 11 }, (_, n) => entry(n));
    await expect(putEvents(eleven)).rejects.toMatchObject({
      name: 'ValidationException',
    });

    const big = { ...entry(0), Detail: JSON.stringify({ text: 'x'.repeat(130 * 1024) }) };
    await expect(putEvents([big, big])).rejects.toMatchObject({
      name: 'ValidationException',
    });
    expect(local.bridge.events).toHaveLength(0);
  });
});

describe('local EventBridge stand-in, control API for other processes', () => {
  it('lists received events and takes faults over HTTP', async () => {
    const faults = await fetch(`${local.bridge.url}/_faults`, {
      method: 'POST',
      body: JSON.stringify({ failNextEntries: { count: 1, errorCode: 'ThrottlingException' } }),
    });
    expect(faults.status).toBe(200);

    const output = await putEvents([entry(1), entry(2)]);
    expect(output.Entries?.[0]?.ErrorCode).toBe('ThrottlingException');

    const listed = (await (await fetch(`${local.bridge.url}/_events`)).json()) as {
      events: { detail: unknown }[];
    };
    expect(listed.events.map((event) => event.detail)).toEqual([{ n: 2 }]);

    await fetch(`${local.bridge.url}/_events`, { method: 'DELETE' });
    expect(local.bridge.events).toHaveLength(0);
  });

  it('refuses a fault request it does not understand', async () => {
    const response = await fetch(`${local.bridge.url}/_faults`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(400);
  });
});
