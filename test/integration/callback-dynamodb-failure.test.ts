import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type RunningLocalEventBridge,
  startLocalEventBridge,
} from '../../infra/local/event-bridge-stand-in.ts';
import { findFreePort } from '../../infra/local/free-port.ts';
import {
  callbackEvent,
  callbackFields,
  loadCallbackHandler,
  readReservation,
  readStatusChanges,
  seedReservation,
  signedQuery,
} from '../support/callback-fixtures.ts';
import { createLocalTables, type LocalTables } from '../support/local-tables.ts';

let tables: LocalTables;
let bridge: RunningLocalEventBridge;

beforeAll(async () => {
  tables = await createLocalTables();
  bridge = await startLocalEventBridge();
});
afterAll(() => bridge.stop());
beforeEach(() => bridge.clear());

const couldNotRecord = {
  statusCode: 500,
  body: { message: 'Internal error', retryable: true },
};

describe('callback handler when DynamoDB fails', () => {
  it('answers 5xx and publishes nothing when DynamoDB cannot be reached', async () => {
    const closedPort = await findFreePort();
    const handler = await loadCallbackHandler({
      tables,
      eventBridgeUrl: bridge.url,
      dynamoDbEndpoint: `http://127.0.0.1:${closedPort}`,
    });

    const response = await handler(
      callbackEvent(signedQuery(callbackFields('RES4161996022', 'Reserved'))),
    );

    expect({ statusCode: response.statusCode, body: JSON.parse(response.body ?? '') }).toEqual(
      couldNotRecord,
    );
    expect(bridge.events).toEqual([]);
  });

  it('answers 5xx and publishes nothing when the table is missing', async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(tables);
    const handler = await loadCallbackHandler({
      tables: { ...tables, names: { ...tables.names, reservations: 'no-such-table' } },
      eventBridgeUrl: bridge.url,
    });

    const response = await handler(
      callbackEvent(signedQuery(callbackFields(frontPaymentUuid, 'Reserved'))),
    );

    expect(response.statusCode).toBe(500);
    expect(bridge.events).toEqual([]);
    expect(await readStatusChanges(tables, reservationId)).toEqual([]);
    expect((await readReservation(tables, reservationId)).version).toBe(2);
  });

  it('records the same callback once DynamoDB is back, as a retry would', async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(tables);
    const query = signedQuery(callbackFields(frontPaymentUuid, 'Reserved'));
    const broken = await loadCallbackHandler({
      tables: { ...tables, names: { ...tables.names, reservations: 'no-such-table' } },
      eventBridgeUrl: bridge.url,
    });
    const healthy = await loadCallbackHandler({ tables, eventBridgeUrl: bridge.url });

    const failed = await broken(callbackEvent(query));
    const retried = await healthy(callbackEvent(query));

    expect(failed.statusCode).toBe(500);
    expect(JSON.parse(retried.body ?? '')).toEqual({ received: true, duplicate: false });
    expect(await readStatusChanges(tables, reservationId)).toHaveLength(1);
    expect(bridge.events).toHaveLength(1);
  });
});
