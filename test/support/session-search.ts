import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SESSION_STATUSES } from '#shared/reservations/reservation-status';
import { reservationKeys } from '#shared/reservations/table-design';
import { CALLBACK_PATH, type CallbackStack, seedReservation } from './callback-fixtures.ts';
import { createAtSandbox, openInIndex } from './reconciler.ts';

/**
 * A reservation whose create's outcome is unknown, as create-session leaves it after a timeout:
 * no Front Payment uuid, `SESSION_OUTCOME_UNKNOWN`, in the open index and due now. With
 * `SESSION_FAILED`, as the reconciler leaves one it settled "not found": out of the index.
 */
export async function seedUnknownOutcome(
  stack: CallbackStack,
  status: string = SESSION_STATUSES.sessionOutcomeUnknown,
): Promise<string> {
  const at = new Date().toISOString();
  const settled = status === SESSION_STATUSES.sessionFailed;
  const { reservationId } = await seedReservation(stack.tables, {
    status,
    failure: settled
      ? { reason: 'not-found', message: 'Front Payment shows no session', retryable: true, at }
      : { reason: 'timeout', message: 'Front Payment did not answer', retryable: false, at },
  });
  await stack.tables.documents.send(
    new UpdateCommand({
      TableName: stack.tables.names.reservations,
      Key: reservationKeys.reservation(reservationId),
      UpdateExpression: 'REMOVE frontPaymentUuid, customerUuid, paymentUrl',
    }),
  );
  if (!settled) await openInIndex(stack, reservationId);
  return reservationId;
}

/** The session the unknown create made: our id as `customerReference`, our callback path. */
export function createOrphanSession(stack: CallbackStack, reservationId: string): Promise<string> {
  return createAtSandbox(
    stack,
    { customerReference: reservationId },
    `${stack.apiUrl}${CALLBACK_PATH}/${reservationId}`,
  );
}

/**
 * `count` sessions made outside our API (the merchant's portal, another system): none is on our
 * table, and each names another customer reference. Created a few at a time.
 */
export async function createForeignSessions(stack: CallbackStack, count: number) {
  const uuids: string[] = [];
  for (let start = 0; start < count; start += 25) {
    uuids.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(25, count - start) }, () =>
          createAtSandbox(
            stack,
            { customerReference: `portal-${randomUUID()}` },
            'https://shop.example.test/never-called',
          ),
        ),
      )),
    );
  }
  return uuids;
}

/**
 * `count` sessions of our own other reservations: each created at the sandbox and recorded on
 * a reservation of our table (as create-session leaves it), so the search knows them.
 */
export async function createOurSessions(stack: CallbackStack, count: number) {
  const uuids: string[] = [];
  for (let start = 0; start < count; start += 25) {
    uuids.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(25, count - start) }, async () => {
          const reservationId = randomUUID();
          const uuid = await createAtSandbox(
            stack,
            { customerReference: reservationId },
            'https://shop.example.test/never-called',
          );
          await seedReservation(stack.tables, { reservationId, frontPaymentUuid: uuid });
          return uuid;
        }),
      )),
    );
  }
  return uuids;
}

/** Front Payment calls the sandbox received since `from` (an index into its call log). */
export function frontPaymentCallsSince(stack: CallbackStack, from: number) {
  const calls = stack.sandbox.calls.slice(from);
  const details = calls
    .filter((call) => call.path.includes('/reservations/details/'))
    .map((call) => call.path.split('/').at(-1) ?? '');
  const history = calls.filter((call) => call.path.includes('/reservations/history/')).length;
  return { history, details };
}
