/**
 * What another CDK app imports (the package's `exports`): the construct, its props and the types
 * its public fields have. Everything else under infra/ is this repository's own app and tooling.
 */

export { EventSchemas } from './event-schema.ts';
export {
  FRONT_PAYMENT_DEMO_URL,
  FRONT_PAYMENT_PRODUCTION_URL,
  FrontPaymentReservations,
  type FrontPaymentReservationsProps,
  type FrontPaymentSecrets,
  type OnStatusOptions,
  type ReservationsAuthorization,
} from './front-payment-reservations.ts';
export { ReservationsOperations } from './operations.ts';
