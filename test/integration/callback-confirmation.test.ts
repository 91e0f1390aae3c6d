import { describe, expect, it } from 'vitest';
import {
  callbackEvent,
  callbackFields,
  FRONT_PAYMENT_TOKEN,
  readStatusChanges,
  signedQuery,
  useCallbackStack,
} from '../support/callback-fixtures.ts';

const stack = useCallbackStack();

describe("the callback reads Front Payment's details of every verified callback", () => {
  it('asks GET reservations/details/{uuid} with our bearer token, the only Front Payment call', async () => {
    const { reservationId, reservationUuid } = await stack.createReservation();
    const callsBefore = stack.sandbox.calls.length;

    await stack.sandbox.pay(reservationUuid, 'visa');

    expect(stack.sandbox.calls.slice(callsBefore)).toMatchObject([
      {
        method: 'GET',
        path: `/api/v1/connect/reservations/details/${reservationUuid}`,
        authorization: `Bearer ${FRONT_PAYMENT_TOKEN}`,
      },
    ]);
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(1);
  });

  it('keeps the callback unconfirmed when Front Payment refuses our token', async () => {
    const wrongToken = await stack.loadHandler({ extra: { FRONT_PAYMENT_TOKEN: 'not-the-token' } });
    const { reservationId, reservationUuid } = await stack.heldReservation();

    const answer = await wrongToken(
      callbackEvent(signedQuery(callbackFields(reservationUuid, 'Reserved')), reservationId),
    );

    expect(JSON.parse(answer.body ?? '{}')).toEqual({ received: true, confirmed: false });
    expect(await readStatusChanges(stack.tables, reservationId)).toEqual([]);
  });

  it('refuses to start without FRONT_PAYMENT_BASE_URL, naming it', async () => {
    await expect(stack.loadHandler({ frontPaymentUrl: '' })).rejects.toThrow(
      /FRONT_PAYMENT_BASE_URL/,
    );
  });
});
