import { describe, expect, it } from 'vitest';
import { MASKED, maskPersonalData } from '../../infra/local/console/personal-data-mask.ts';
import { createRequestLog, type LoggedRequest } from '../../infra/local/console/request-log.ts';
import type { ReceivedEvent } from '../../infra/local/event-bridge-stand-in.ts';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';

const reservation = sampleReservationRequest({
  returnBaseUrl: 'http://127.0.0.1:3000',
  referenceNo: 'LOG-1',
});
const PERSONAL_VALUES = ['40000000', 'ola.nordmann@example.com', 'Ola Nordmann', 'Eksempelveien'];

const call = (
  path: string,
  body: unknown,
  functionName: string | undefined = 'create-session',
) => ({
  method: 'POST',
  path,
  statusCode: 201,
  durationMs: 12,
  ...(functionName ? { functionName } : {}),
  requestBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  responseBody: Buffer.from('{"reservationId":"r1"}'),
});

describe('maskPersonalData', () => {
  it("masks the customer's name, email, phone and address, and keeps what is not personal", () => {
    const masked = maskPersonalData({
      ...reservation,
      customerDetails: { ...reservation.customerDetails, personalNumber: '01017012345' },
    }) as typeof reservation;

    const text = JSON.stringify(masked);
    for (const value of [...PERSONAL_VALUES, '01017012345']) expect(text).not.toContain(value);
    expect(masked.customerDetails).toMatchObject({
      type: 'private',
      countryCode: '+47',
      msisdn: MASKED,
      email: MASKED,
      name: MASKED,
      personalNumber: MASKED,
      address: MASKED,
    });
    // Product names and the merchant's reference are not personal data.
    expect(masked.products).toEqual(reservation.products);
    expect(masked.referenceNo).toBe('LOG-1');
  });

  it("masks a resend's email and phone number wherever they are", () => {
    expect(maskPersonalData({ countryCode: '+47', msisdn: '40000000', email: 'a@b.no' })).toEqual({
      countryCode: '+47',
      msisdn: MASKED,
      email: MASKED,
    });
  });
});

describe('the request log', () => {
  it("keeps each function call with method, path, status, duration and masked bodies, not the console's polling", () => {
    const log = createRequestLog();

    log.record(call('/reservations', reservation));
    log.record({ method: 'GET', path: '/_local/reservations', statusCode: 200, durationMs: 3 });

    const lines = log.lines([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      kind: 'request',
      method: 'POST',
      path: '/reservations',
      statusCode: 201,
      durationMs: 12,
      functionName: 'create-session',
      responseBody: { json: { reservationId: 'r1' } },
    });
    const text = JSON.stringify(lines);
    for (const value of PERSONAL_VALUES) expect(text).not.toContain(value);
  });

  it('does not show a body it cannot read field by field', () => {
    const log = createRequestLog();

    log.record(call('/reservations', 'name=Ola Nordmann&email=ola@example.com'));

    const [line] = log.lines([]) as LoggedRequest[];
    expect(line?.requestBody).toEqual({
      note: '39 bytes, not JSON: not shown, it may hold personal data',
    });
  });

  it('is bounded: the oldest requests and events go first', () => {
    const log = createRequestLog({ capacity: 3 });
    const events: ReceivedEvent[] = [1, 2, 3, 4].map((n) => ({
      eventId: `e${n}`,
      eventBusName: 'bus',
      source: 'frontpayment.reservations',
      detailType: 'Reservation Status Changed',
      detail: { status: 'RESERVED' },
      resources: [],
      time: `2026-01-01T00:00:0${n}.000Z`,
    }));

    for (const n of [1, 2, 3, 4, 5]) log.record(call(`/reservations/r${n}/capture`, {}));

    const lines = log.lines(events);
    expect(
      lines.filter((line) => line.kind === 'request').map((line) => (line as LoggedRequest).path),
    ).toEqual(['/reservations/r3/capture', '/reservations/r4/capture', '/reservations/r5/capture']);
    expect(
      lines
        .filter((line) => line.kind === 'event')
        .map((line) => line.kind === 'event' && line.event.eventId),
    ).toEqual(['e2', 'e3', 'e4']);
  });
});
