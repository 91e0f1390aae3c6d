import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { CallbackOutcome } from '#shared/callbacks/record-callback';
import { jsonResponse } from '#shared/http/json-response';

/**
 * The HTTP answer to Front Payment for each outcome. 2xx means "durably kept": recorded, or kept
 * for the sweeper to confirm when Front Payment's details could not be read (its retry policy is
 * unknown, so asking for a resend would gain nothing the kept callback does not already give; see
 * docs/callbacks.md). 5xx (thrown) means not kept: send it again. 4xx refuses the input itself.
 */
export function callbackResponse(outcome: CallbackOutcome): APIGatewayProxyStructuredResultV2 {
  switch (outcome.kind) {
    case 'recorded':
      return jsonResponse(200, { received: true, confirmed: true, duplicate: outcome.duplicate });
    case 'kept':
      return jsonResponse(200, { received: true, confirmed: false });
    case 'forbidden':
      // Deliberately vague: a forger learns nothing about which part failed.
      return jsonResponse(403, { message: 'Forbidden' });
    case 'unknown-reservation':
      return jsonResponse(404, {
        message: `No reservation matches Front Payment uuid ${outcome.reservationUuid ?? '(none)'}; the callback was kept for an operator`,
      });
  }
}
