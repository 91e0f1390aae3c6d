/**
 * The typed client of the merchant API, for a merchant's own TypeScript services:
 * `import { createMerchantClient } from 'front-payment-reservations/client'`.
 */
export type { CreatedReservation } from '../../functions/create-session/create-session.ts';
export type {
  CaptureInput,
  ChargeInput,
  NoteInput,
  RefundInput,
  ResendInput,
} from '../commands/command-request.ts';
export type { ReservationView } from '../commands/reservation-view.ts';
export type { CommandAnswer } from '../commands/run-command.ts';
export type { ProblemFieldError } from '../http/problem.ts';
export type { FoundReservations, ReservationSummary } from '../lookups/reservation-summary.ts';
export type { CreateReservationRequestInput } from '../reservations/reservation-schema.ts';
export {
  MerchantApiError,
  type MerchantApiErrorFields,
  MerchantApiUnreachableError,
  MerchantClientError,
} from './merchant-api-error.ts';
export {
  createMerchantClient,
  type MerchantClient,
  type MerchantClientOptions,
  type OperationOptions,
} from './merchant-client.ts';
export type { MerchantAuth, SignerCredentials } from './request-auth.ts';
export type { PageRequest, RecentQuery } from './reservation-lookups.ts';
export { DEFAULT_RETRY_OPTIONS, type RetryOptions } from './retry-policy.ts';
export type { RetryNotice } from './send-with-retries.ts';
