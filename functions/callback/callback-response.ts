import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { CallbackOutcome } from '#shared/callbacks/record-callback';
import { jsonResponse } from '#shared/http/json-response';

/** Seconds Front Payment is asked to wait before it brings an unconfirmed callback again. */
const CONFIRMATION_RETRY_AFTER_SECONDS = '30';

/**
 * The HTTP answer to Front Payment for each outcome. 2xx means "durably recorded"; 5xx "not
 * recorded, send it again" (we could not record it, or Front Payment's own API does not show the
 * status yet); 4xx a refusal of the input itself.
 */
export function callbackResponse(outcome: CallbackOutcome): APIGatewayProxyStructuredResultV2 {
  switch (outcome.kind) {
    case 'recorded':
      return jsonResponse(200, { received: true, duplicate: outcome.duplicate });
    case 'forbidden':
      // Deliberately vague: a forger learns nothing about which part failed.
      return jsonResponse(403, { message: 'Forbidden' });
    case 'unknown-reservation':
      return jsonResponse(404, {
        message: `No reservation has Front Payment uuid ${outcome.orderUuid}; the callback was kept for an operator`,
      });
    case 'not-confirmed':
      return jsonResponse(
        503,
        {
          message:
            "Front Payment's reservation details do not show this status yet; try again later",
          retryable: true,
        },
        { 'retry-after': CONFIRMATION_RETRY_AFTER_SECONDS },
      );
    case 'confirmation-unavailable':
      return jsonResponse(
        503,
        {
          message: 'Front Payment could not confirm the status now; try again later',
          retryable: true,
        },
        { 'retry-after': CONFIRMATION_RETRY_AFTER_SECONDS },
      );
  }
}
