import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../infra/local/free-port.ts';
import {
  callbackEvent,
  callbackFields,
  readReservation,
  readStatusChanges,
  signedQuery,
  useCallbackStack,
} from '../support/callback-fixtures.ts';
import { captureOutput } from '../support/captured-output.ts';

// Each test loads the handlers it needs, some on a broken DynamoDB.
const stack = useCallbackStack({ handler: false });
const output = captureOutput();

/** The ERROR line a 500 leaves for the operator: the error, under its name, with its message. */
const failureLogged = (errorName: string, errorMessage: RegExp) =>
  expect.objectContaining({
    level: 'ERROR',
    message: 'request failed',
    statusCode: 500,
    errorName,
    error: expect.objectContaining({
      name: errorName,
      message: expect.stringMatching(errorMessage),
    }),
  });

const couldNotRecord = {
  statusCode: 500,
  body: { message: 'Internal error', retryable: true },
};

/** The file's tables, but the Lambda is told a reservations table that does not exist. */
const withoutReservationsTable = () => ({
  ...stack.tables,
  names: { ...stack.tables.names, reservations: 'no-such-table' },
});

/** Paid at the sandbox; its callback held back, so the test sends it to the Lambda it wants. */
async function paidWithCallbackHeld() {
  const reservation = await stack.createReservation();
  stack.sandbox.setQuirks({ reverseCallbackOrder: true });
  await stack.sandbox.pay(reservation.reservationUuid, 'visa');
  return reservation;
}

describe('callback handler when DynamoDB fails', () => {
  it('answers 5xx and publishes nothing when DynamoDB cannot be reached', async () => {
    const closedPort = await findFreePort();
    const handler = await stack.loadHandler({
      dynamoDbEndpoint: `http://127.0.0.1:${closedPort}`,
    });

    const response = await handler(
      callbackEvent(signedQuery(callbackFields('RES4161996022', 'Reserved'))),
    );

    expect({ statusCode: response.statusCode, body: JSON.parse(response.body ?? '') }).toEqual(
      couldNotRecord,
    );
    expect(stack.bridge.events).toEqual([]);
    expect(output.logs()).toEqual([failureLogged('Error', /ECONNREFUSED/)]);
  });

  it('answers 5xx and publishes nothing when the table is missing', async () => {
    const { reservationId, reservationUuid } = await paidWithCallbackHeld();
    const handler = await stack.loadHandler({ tables: withoutReservationsTable() });

    const response = await handler(
      callbackEvent(signedQuery(callbackFields(reservationUuid, 'Reserved')), reservationId),
    );

    expect(response.statusCode).toBe(500);
    expect(stack.bridge.events).toEqual([]);
    expect(await readStatusChanges(stack.tables, reservationId)).toEqual([]);
    expect((await readReservation(stack.tables, reservationId)).version).toBe(2);
    expect(output.logs()).toEqual([
      failureLogged('ResourceNotFoundException', /non-existent table|not found/i),
    ]);
  });

  it('records the same callback once DynamoDB is back, as a retry would', async () => {
    const { reservationId, reservationUuid } = await paidWithCallbackHeld();
    const query = signedQuery(callbackFields(reservationUuid, 'Reserved'));
    const broken = await stack.loadHandler({ tables: withoutReservationsTable() });
    const healthy = await stack.loadHandler();

    const failed = await broken(callbackEvent(query, reservationId));
    const retried = await healthy(callbackEvent(query, reservationId));

    expect(failed.statusCode).toBe(500);
    expect(JSON.parse(retried.body ?? '')).toEqual({
      received: true,
      confirmed: true,
      duplicate: false,
    });
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(1);
    expect(stack.bridge.events).toHaveLength(1);
    expect(output.logs()).toContainEqual(
      failureLogged('ResourceNotFoundException', /non-existent table|not found/i),
    );
  });
});
