import * as v from 'valibot';

/**
 * API Gateway's own answers, before or instead of our functions: `{"message": "Forbidden"}` and
 * the like. They cannot be changed on an HTTP API, so the document names them as they are.
 */
export const GatewayMessageSchema = v.strictObject({ message: v.string() });

/** The statuses API Gateway itself may answer on every merchant route, and why. */
export const GATEWAY_STATUSES: Readonly<Record<number, string>> = {
  401: 'No valid JWT (only when the construct is configured with JWT authorization).',
  403: 'The SigV4 signature is missing or wrong, or the caller may not invoke this route (IAM), or the JWT lacks a required scope.',
  413: 'The body is over API Gateway’s 10 MB limit.',
  429: 'Throttled by the stage or route limit: send the same request again later, with the same Idempotency-Key.',
  500: 'The function failed without an answer (it crashed or ran out of time): send the same request again with the same Idempotency-Key to learn the outcome.',
  503: 'The function could not be started (Lambda throttling): send the same request again later, with the same Idempotency-Key.',
};
