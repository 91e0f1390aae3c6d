import { createHash } from 'node:crypto';
import * as v from 'valibot';
import {
  computeChecksum,
  hasValidChecksum,
  parseRawQuery,
} from '#shared/front-payment/callback-checksum';
import { createReservationRequestSchema } from '#shared/reservations/reservation-schema';
import { validReservationRequest } from '../support/reservation-requests.ts';
import { opsPerSecond } from './measure.ts';
import { report } from './report.ts';

/** CPU cost of validating a reservation and verifying a callback, per operation. */
export function benchMicro(): void {
  const body = JSON.stringify(validReservationRequest());
  const schema = createReservationRequestSchema({
    allowedTaxRates: [0, 12, 15, 25],
    now: () => new Date(),
  });
  const parseOnly = opsPerSecond(() => JSON.parse(body));
  const validate = opsPerSecond(() => v.parse(schema, JSON.parse(body)));
  report({
    what: 'reservation: JSON.parse + validate',
    ours: 1e6 / validate,
    baseline: 1e6 / parseOnly,
    unit: 'µs',
    baselineIs: 'JSON.parse alone',
  });

  const query =
    'orderUuid=RES1234567890&status=CAPTURED&createdAt=1764000000&paymentMethod=Visa&amount=500&timestamp=1764000001';
  const signed = `${query}&checksum=${computeChecksum(parseRawQuery(query), 'secret')}`;
  const verify = opsPerSecond(() => hasValidChecksum(parseRawQuery(signed), 'secret'));
  const sha = opsPerSecond(() => createHash('sha256').update(signed).digest('hex'));
  report({
    what: 'callback: parse query + verify checksum',
    ours: 1e6 / verify,
    baseline: 1e6 / sha,
    unit: 'µs',
    baselineIs: 'one sha256 of the query',
  });
}
