import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReservations } from '../../shared/lookups/find-reservations.ts';
import { parseLookupQuery } from '../../shared/lookups/lookup-query.ts';
import { backfillCreatedIndex } from '../../shared/reservations/backfill-created-index.ts';
import { createReservationRepository } from '../../shared/reservations/reservation-repository.ts';
import { reservationKeys } from '../../shared/reservations/table-design.ts';
import { createLocalTables, type LocalTables } from '../support/local-tables.ts';

let tables: LocalTables;

beforeAll(async () => {
  tables = await createLocalTables();
});

afterAll(() => tables?.documents.destroy());

/** A reservation as create wrote it before the recent-reservations index: no `createdShard`. */
async function reservationFromBeforeTheIndex(at: Date): Promise<string> {
  const reservationId = randomUUID();
  await createReservationRepository(tables.documents, tables.names.reservations).startCreating({
    reservationId,
    amounts: { subTotal: 100, totalTax: 0, grandTotal: 100 },
    preferredPaymentMethod: 'visa',
    owner: 'backfill-test',
    requestHash: 'backfill-test',
    inProgressUntil: Date.now() + 60_000,
    at,
  });
  await tables.documents.send(
    new UpdateCommand({
      TableName: tables.names.reservations,
      Key: reservationKeys.reservation(reservationId),
      UpdateExpression: 'REMOVE createdShard',
    }),
  );
  return reservationId;
}

async function listed(): Promise<string[]> {
  const { reservations } = await findReservations(parseLookupQuery({ limit: '100' }), {
    documents: tables.documents,
    tableName: tables.names.reservations,
  });
  return reservations.map((reservation) => reservation.reservationId);
}

describe('backfill of reservations written before the recent-reservations index', () => {
  it('puts every old reservation into the list once; a second run changes nothing', async () => {
    const old = [
      await reservationFromBeforeTheIndex(new Date('2024-05-01T10:00:00Z')),
      await reservationFromBeforeTheIndex(new Date('2024-05-02T10:00:00Z')),
    ];
    expect(await listed()).toEqual([]);

    const added = await backfillCreatedIndex(tables.documents, tables.names.reservations);
    const again = await backfillCreatedIndex(tables.documents, tables.names.reservations);

    expect({ added, again }).toEqual({ added: 2, again: 0 });
    expect(await listed()).toEqual([...old].reverse());
  });
});
