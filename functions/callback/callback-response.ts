import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { CallbackOutcome } from '#shared/callbacks/record-callback';
import { jsonResponse } from '#shared/http/json-response';

/**
 * The HTTP answer to Front Payment for each outcome. 2xx means "durably recorded"; 5xx only
 * "could not record, send again"; every refusal of the input itself is a 4xx.
 */
export function callbackResponse(outcome: CallbackOutcome): APIGatewayProxyStructuredResultV2 {
  switch (outcome.kind) {
    case 'recorded':
      return jsonResponse(200, { received: true, duplicate: outcome.duplicate });
    case 'forbidden':
      // Deliberately vague: a forger learns nothing about which part failed.
      return jsonResponse(403, { message: 'Forbidden' });
    case 'invalid':
      return jsonResponse(400, { message: outcome.message, errors: outcome.errors });
    case 'unknown-reservation':
      return jsonResponse(404, {
        message: `No reservation has Front Payment uuid ${outcome.orderUuid}; the callback was kept for an operator`,
      });
    case 'not-confirmed':
      return jsonResponse(409, {
        message: `Front Payment's reservation details do not confirm this status for ${outcome.orderUuid}`,
      });
    case 'confirmation-unavailable':
      return jsonResponse(
        503,
        {
          message: 'Front Payment could not confirm the status now; try again later',
          retryable: true,
        },
        { 'retry-after': '30' },
      );
  }
}
