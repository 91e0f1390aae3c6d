import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';
import { createReservationRepository } from '../../shared/reservations/reservation-repository.ts';
import { useLocalStack } from '../support/local-stack.ts';

// GET /reservations over HTTP on the local stack (DynamoDB Local, the sandbox), as a merchant calls it.
const suffix = randomUUID().slice(0, 8);
const local = useLocalStack();

interface Summary {
  readonly reservationId: string;
  readonly reservationUuid: string | null;
  readonly referenceNo: string | null;
  readonly status: string;
  readonly createdAt: string;
}

interface Found {
  readonly reservations: readonly Summary[];
  readonly nextCursor: string | null;
}

async function find(query: Record<string, string>) {
  const response = await fetch(
    `${local.stack.urls.api}/reservations?${new URLSearchParams(query)}`,
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function found(query: Record<string, string>): Promise<Found> {
  const { status, body } = await find(query);
  expect({ status, body }).toMatchObject({ status: 200 });
  return body as unknown as Found;
}

/** Every page of a list, following `nextCursor` with the same limit. */
async function allPages(first: Record<string, string>, limit: number): Promise<Found[]> {
  const pages = [await found({ ...first, limit: String(limit) })];
  for (let cursor = pages.at(-1)?.nextCursor; cursor; cursor = pages.at(-1)?.nextCursor) {
    pages.push(await found({ cursor, limit: String(limit) }));
  }
  return pages;
}

/**
 * `count` reservations written by the create path's own repository call, `at` spaced by `stepMs`
 * from `start` (a step of 0 gives them all the same creation time).
 */
async function writeReservations(count: number, start: Date, stepMs: number, referenceNo?: string) {
  const repository = createReservationRepository(
    local.stack.documents,
    local.stack.tableNames.reservations,
  );
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const reservationId = randomUUID();
    await repository.startCreating({
      reservationId,
      amounts: { subTotal: 1000, totalTax: 120, grandTotal: 1120 },
      preferredPaymentMethod: 'visa',
      ...(referenceNo ? { referenceNo } : {}),
      owner: 'lookup-test',
      requestHash: 'lookup-test',
      // Far ahead: the reconciler leaves these attempts alone during the test.
      inProgressUntil: Date.now() + 60 * 60_000,
      at: new Date(start.getTime() + index * stepMs),
    });
    ids.push(reservationId);
  }
  return ids;
}

function fieldsOf(body: Record<string, unknown>): unknown[] {
  return ((body.errors ?? []) as { path: string }[]).map((error) => error.path);
}

describe('GET /reservations: lookups by the ids a merchant knows', () => {
  it("finds a reservation by Front Payment's reservationUuid and by the merchant's referenceNo", async () => {
    const referenceNo = `LOOKUP-${suffix}`;
    const first = await local.client.createReservation(
      sampleReservationRequest({ returnBaseUrl: local.stack.urls.api, referenceNo }),
      randomUUID(),
    );
    const second = await local.client.createReservation(
      sampleReservationRequest({ returnBaseUrl: local.stack.urls.api, referenceNo }),
      randomUUID(),
    );

    const byUuid = await found({ reservationUuid: first.reservationUuid });
    expect(byUuid).toEqual({
      reservations: [
        expect.objectContaining({
          reservationId: first.reservationId,
          reservationUuid: first.reservationUuid,
          referenceNo,
          status: 'SESSION_CREATED',
        }),
      ],
      nextCursor: null,
    });
    // A reference may be reused: both, newest first.
    const byReference = await found({ referenceNo });
    expect(byReference.reservations.map((summary) => summary.reservationId)).toEqual([
      second.reservationId,
      first.reservationId,
    ]);
    expect(byReference.nextCursor).toBeNull();
    // The summary carries no personal data of the create request.
    expect(JSON.stringify(byReference)).not.toMatch(/Ola|Nordmann|example\.com|40000000|Oslo/);
  });

  it('answers an empty list, not 404, for a uuid or a reference nobody has', async () => {
    expect(await found({ reservationUuid: 'RES0000000000' })).toEqual({
      reservations: [],
      nextCursor: null,
    });
    expect(await found({ referenceNo: `NOBODY-${suffix}` })).toEqual({
      reservations: [],
      nextCursor: null,
    });
  });

  it('pages through one reference with a cursor', async () => {
    const referenceNo = `REUSED-${suffix}`;
    const ids = await writeReservations(
      5,
      new Date('2026-03-01T10:00:00.000Z'),
      1_000,
      referenceNo,
    );

    const pages = await allPages({ referenceNo }, 2);

    expect(pages.map((page) => page.reservations.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((page) => page.reservations.map((r) => r.reservationId))).toEqual(
      [...ids].reverse(),
    );
  });

  it('takes a reference cursor moved by hand as another starting point, not a 500', async () => {
    const referenceNo = `MOVED-${suffix}`;
    const ids = await writeReservations(
      3,
      new Date('2026-04-01T10:00:00.000Z'),
      1_000,
      referenceNo,
    );
    const { nextCursor } = await found({ referenceNo, limit: '1' });
    const decoded = JSON.parse(Buffer.from(nextCursor ?? '', 'base64url').toString('utf8'));
    // Between the newest and the middle one, with an id no reservation has.
    decoded.positions = [['2026-04-01T10:00:01.500Z', randomUUID()]];

    const page = await found({
      cursor: Buffer.from(JSON.stringify(decoded)).toString('base64url'),
    });

    expect(page.reservations.map((summary) => summary.reservationId)).toEqual([ids[1], ids[0]]);
  });
});

describe('GET /reservations: the recent list', () => {
  // A window of its own, so the reservations of the other tests stay out of it.
  const windowStart = new Date('2025-06-01T00:00:00.000Z');
  let ids: string[] = [];
  beforeAll(async () => {
    // 40 a second apart, then 9 created in the same millisecond (ties across shards).
    ids = [
      ...(await writeReservations(40, windowStart, 1_000)),
      ...(await writeReservations(9, new Date(windowStart.getTime() + 3_600_000), 0)),
    ];
  });

  it('walks every reservation of a window once, newest first, page by page', async () => {
    const pages = await allPages(
      { createdAfter: '2025-05-31T23:59:59Z', createdBefore: '2025-06-02T00:00:00Z' },
      7,
    );

    const listed = pages.flatMap((page) => page.reservations);
    expect(pages.map((page) => page.reservations.length)).toEqual([7, 7, 7, 7, 7, 7, 7]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(new Set(listed.map((summary) => summary.reservationId))).toEqual(new Set(ids));
    expect(listed).toHaveLength(ids.length);
    const times = listed.map((summary) => summary.createdAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('excludes the instants createdAfter and createdBefore name', async () => {
    const page = await found({
      createdAfter: '2025-06-01T00:00:00.000Z',
      createdBefore: '2025-06-01T00:00:04.000Z',
    });

    expect(page.reservations.map((summary) => summary.createdAt)).toEqual([
      '2025-06-01T00:00:03.000Z',
      '2025-06-01T00:00:02.000Z',
      '2025-06-01T00:00:01.000Z',
    ]);
    expect(page.nextCursor).toBeNull();
  });

  it('lists everything newest first without a window, 20 to a page by default', async () => {
    const page = await found({});

    expect(page.reservations).toHaveLength(20);
    expect(page.nextCursor).toEqual(expect.any(String));
  });
});

describe('GET /reservations: what it refuses, with a 400 naming the parameter', () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ['a limit of 0', { limit: '0' }, ['limit']],
    ['a limit above 100', { limit: '101' }, ['limit']],
    ['a limit that is not a number', { limit: 'ten' }, ['limit']],
    ['an unknown parameter', { status: 'RESERVED' }, ['status']],
    ['two lookups at once', { referenceNo: 'A-1', reservationUuid: 'RES1' }, ['referenceNo']],
    ['a limit with a uuid', { reservationUuid: 'RES1', limit: '5' }, ['limit']],
    [
      'a window with a reference',
      { referenceNo: 'A-1', createdAfter: '2026-01-01T00:00:00Z' },
      ['createdAfter'],
    ],
    ['a uuid that is not RES…', { reservationUuid: "ODR1' OR 1=1" }, ['reservationUuid']],
    ['a reference longer than 255', { referenceNo: 'x'.repeat(256) }, ['referenceNo']],
    ['a time without a zone', { createdAfter: '2026-01-01T00:00:00' }, ['createdAfter']],
    ['a time that is not one', { createdBefore: 'yesterday' }, ['createdBefore']],
    ['a time past year 9998', { createdAfter: '9999-12-31T23:59:59.999Z' }, ['createdAfter']],
    [
      'a window that ends before it starts',
      { createdAfter: '2026-02-01T00:00:00Z', createdBefore: '2026-01-01T00:00:00Z' },
      ['createdBefore'],
    ],
    ['a cursor that is not one', { cursor: 'not-a-cursor' }, ['cursor']],
  ];
  it.each(cases)('%s', async (_name, query, fields) => {
    const { status, body } = await find(query);

    expect({ status, fields: fieldsOf(body) }).toEqual({ status: 400, fields });
  });

  it('refuses a cursor with other filters, or changed by hand', async () => {
    const { nextCursor } = await found({ limit: '1' });
    const cursor = nextCursor ?? '';
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const tampered = (change: (value: typeof decoded) => void) => {
      const copy = structuredClone(decoded);
      change(copy);
      return Buffer.from(JSON.stringify(copy)).toString('base64url');
    };
    const moved = decoded.positions.findIndex((position: unknown) => Array.isArray(position));

    const refused = [
      { cursor, createdAfter: '2026-01-01T00:00:00Z' },
      { cursor: `${cursor.slice(0, -2)}!!` },
      // A position moved to another shard: not a key of that partition.
      {
        cursor: tampered((copy) => {
          copy.positions[(moved + 1) % copy.positions.length] = copy.positions[moved];
        }),
      },
      // A position outside the cursor's own window.
      {
        cursor: tampered((copy) => {
          copy.filter.createdBefore = '2000-01-01T00:00:00.000Z';
        }),
      },
      { cursor: tampered((copy) => copy.positions.pop()) },
      { cursor: tampered((copy) => (copy.v = 2)) },
    ];
    for (const query of refused) {
      const { status, body } = await find(query);
      expect({ status, fields: fieldsOf(body) }).toMatchObject({ status: 400 });
      expect(fieldsOf(body)).toContain(query.createdAfter ? 'createdAfter' : 'cursor');
    }
  });
});
