import { CreatedSessionSchema } from './envelope.ts';
import type { FrontPaymentClient } from './front-payment-client.ts';
import {
  CONNECT_PATH,
  type FrontPaymentClientOptions,
  parseData,
  readToken,
  sendRequest,
} from './front-payment-request.ts';

/** What creating a checkout session needs of Front Payment, and nothing more. */
export type FrontPaymentSessionClient = Pick<
  FrontPaymentClient,
  'readToken' | 'createReservationSession'
>;

/**
 * The client for create-session alone: its bundle then leaves out the details, history and
 * command readers, which every cold start would otherwise parse.
 */
export function createSessionClient(options: FrontPaymentClientOptions): FrontPaymentSessionClient {
  return {
    readToken: () => readToken(options),
    async createReservationSession(payload, token) {
      const data = await sendRequest(options, token, {
        method: 'POST',
        path: `${CONNECT_PATH}/reservations/create`,
        body: payload,
        // A 404 on create means our base URL is wrong, not that the reservation is unknown.
        notFound: 'misconfigured',
      });
      return parseData(CreatedSessionSchema, data, 'reservations/create');
    },
  };
}
