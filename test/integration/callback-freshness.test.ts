import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  callbackEvent,
  callbackFields,
  epochSeconds,
  readReservation,
  readStatusChanges,
  signedQuery,
  useCallbackStack,
} from '../support/callback-fixtures.ts';

// Loaded with the Lambda's own default: no CALLBACK_MAX_AGE_SECONDS.
const stack = useCallbackStack();

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Moves only the clock the code reads (`Date`); timers and I/O run as usual. */
function clockAt(at: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(at);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('callback freshness: CALLBACK_MAX_AGE_SECONDS defaults to a day', () => {
  it('answers a genuine callback replayed within the day as a duplicate, and refuses it after', async () => {
    const { reservationId, reservationUuid: frontPaymentUuid } = await stack.heldReservation();
    const sentAt = Date.now();
    const genuine = signedQuery(callbackFields(frontPaymentUuid, 'Captured'));
    expect((await stack.send(genuine)).statusCode).toBe(200);
    const recorded = await readStatusChanges(stack.tables, reservationId);

    clockAt(sentAt + 23 * HOUR_MS);
    const withinTheDay = await stack.send(genuine);
    clockAt(sentAt + DAY_MS + 60_000);
    const afterTheDay = await stack.send(genuine);
    vi.useRealTimers();

    expect(withinTheDay).toEqual({
      statusCode: 200,
      body: { received: true, confirmed: true, duplicate: true },
    });
    expect(afterTheDay).toEqual({ statusCode: 403, body: { message: 'Forbidden' } });
    expect(await readStatusChanges(stack.tables, reservationId)).toEqual(recorded);
    expect((await readReservation(stack.tables, reservationId)).version).toBe(3);
    expect(stack.bridge.events).toHaveLength(1);
  });

  it('refuses, and records nothing from, a genuine callback first seen after a day', async () => {
    const { reservationId, reservationUuid: frontPaymentUuid } = await stack.heldReservation();
    const dayOld = epochSeconds(new Date(Date.now() - DAY_MS - 60_000));

    const response = await stack.send(
      signedQuery(
        callbackFields(frontPaymentUuid, 'Reserved', { createdAt: dayOld, timestamp: dayOld }),
      ),
    );

    expect(response).toEqual({ statusCode: 403, body: { message: 'Forbidden' } });
    expect(await readStatusChanges(stack.tables, reservationId)).toEqual([]);
    expect(stack.bridge.events).toEqual([]);
  });

  it('accepts any age with CALLBACK_MAX_AGE_SECONDS=0 (an operator replaying an old callback)', async () => {
    const unlimited = await stack.loadHandler({ extra: { CALLBACK_MAX_AGE_SECONDS: '0' } });
    const { reservationId, reservationUuid: frontPaymentUuid } = await stack.heldReservation();
    const monthOld = epochSeconds(new Date(Date.now() - 30 * DAY_MS));

    const response = await unlimited(
      callbackEvent(
        signedQuery(
          callbackFields(frontPaymentUuid, 'Reserved', {
            createdAt: monthOld,
            timestamp: monthOld,
          }),
        ),
      ),
    );

    expect(response.statusCode).toBe(200);
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(1);
  });
});

describe('the age check fails closed: exactly one well-formed timestamp, inside the window', () => {
  /** A genuine query's parameters with `timestamp` changed as a forger would, signed again. */
  function withTimestamps(
    reservationUuid: string,
    timestamps: readonly (readonly [string, string])[],
  ) {
    const { timestamp: _dropped, ...rest } = callbackFields(reservationUuid, 'Captured');
    return signedQuery([...Object.entries(rest), ...timestamps] as [string, string][]);
  }

  it.each([
    ['timestamp=-1', [['timestamp', '-1']]],
    ['a 40-digit timestamp', [['timestamp', '1'.repeat(40)]]],
    ['an 11-digit timestamp', [['timestamp', '17557641310']]],
    ['an empty timestamp', [['timestamp', '']]],
    ['no timestamp', []],
    [
      'two timestamps',
      [
        ['timestamp', epochSeconds()],
        ['timestamp', epochSeconds()],
      ],
    ],
    [
      'a timestamp ten days ahead',
      [['timestamp', epochSeconds(new Date(Date.now() + 10 * DAY_MS))]],
    ],
  ] as const)(
    'refuses a signed callback with %s and reads no details',
    async (_name, timestamps) => {
      const { reservationId, reservationUuid } = await stack.heldReservation();
      const calls = stack.sandbox.calls.length;

      const response = await stack.send(withTimestamps(reservationUuid, timestamps), reservationId);

      expect(response).toEqual({ statusCode: 403, body: { message: 'Forbidden' } });
      expect(stack.sandbox.calls.slice(calls)).toEqual([]);
      expect(await readStatusChanges(stack.tables, reservationId)).toEqual([]);
    },
  );

  it('refuses a three-day-old callback URL whose `timestamp` was renamed (the checksum signs values only)', async () => {
    const { reservationId, reservationUuid } = await stack.heldReservation();
    const threeDaysOld = epochSeconds(new Date(Date.now() - 3 * DAY_MS));
    const genuine = signedQuery(
      callbackFields(reservationUuid, 'Captured', {
        createdAt: threeDaysOld,
        timestamp: threeDaysOld,
      }),
    );
    const renamed = genuine.replace('&timestamp=', '&timestamq=');
    const calls = stack.sandbox.calls.length;

    const answers = [
      await stack.send(genuine, reservationId),
      await stack.send(renamed, reservationId),
    ];

    expect(answers).toEqual([
      { statusCode: 403, body: { message: 'Forbidden' } },
      { statusCode: 403, body: { message: 'Forbidden' } },
    ]);
    expect(stack.sandbox.calls.slice(calls)).toEqual([]);
  });

  it('with CALLBACK_MAX_AGE_SECONDS=0 the timestamp is not required (the check is off)', async () => {
    const unlimited = await stack.loadHandler({ extra: { CALLBACK_MAX_AGE_SECONDS: '0' } });
    const { reservationId, reservationUuid } = await stack.heldReservation();

    const response = await unlimited(
      callbackEvent(withTimestamps(reservationUuid, []), reservationId),
    );

    expect(response.statusCode).toBe(200);
  });
});
