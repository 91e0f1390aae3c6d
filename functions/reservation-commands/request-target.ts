import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as v from 'valibot';
import { type CommandName, isCommandName } from '#shared/commands/command-request';
import { InputValidationError } from '#shared/errors';
import { type LookupQuery, parseLookupQuery } from '#shared/lookups/lookup-query';

/** The `{reservationId}` path parameter (the OpenAPI document's too). */
export const ReservationIdSchema = v.pipe(
  v.string(),
  v.regex(/^[\w-]{1,64}$/, 'must be 1 to 64 letters, digits, "-" or "_"'),
);

/** `?refresh=true` reads Front Payment's records first. */
export const RefreshSchema = v.optional(v.picklist(['true', 'false'], 'must be true or false'));

const FIND_ROUTE_KEY = 'GET /reservations';

/** What a request asks for: a lookup, or a reservation and a command or (for GET) its record. */
export type RequestTarget =
  | { readonly kind: 'find'; readonly query: LookupQuery }
  | { readonly kind: 'read'; readonly reservationId: string; readonly refresh: boolean }
  | { readonly kind: 'command'; readonly reservationId: string; readonly command: CommandName };

/**
 * Reads the route: `GET /reservations?…`, `GET /reservations/{id}` or
 * `POST /reservations/{id}/{command}`.
 */
export function requestTargetOf(event: APIGatewayProxyEventV2): RequestTarget {
  if (event.routeKey === FIND_ROUTE_KEY) {
    return { kind: 'find', query: parseLookupQuery(event.queryStringParameters) };
  }
  const reservationId = event.pathParameters?.reservationId ?? '';
  const id = v.safeParse(ReservationIdSchema, reservationId);
  if (!id.success) {
    throw new InputValidationError('The reservation id is invalid', [
      { path: 'reservationId', message: id.issues[0].message },
    ]);
  }
  if (event.requestContext.http.method === 'GET') {
    const refresh = v.safeParse(RefreshSchema, event.queryStringParameters?.refresh);
    if (!refresh.success) {
      throw new InputValidationError('The refresh parameter is invalid', [
        { path: 'refresh', message: refresh.issues[0].message },
      ]);
    }
    return { kind: 'read', reservationId, refresh: refresh.output === 'true' };
  }
  // From the route key (`POST /reservations/{reservationId}/capture`), not the raw path: only
  // the routes API Gateway matched name a command.
  const command = event.routeKey.split('/').at(-1) ?? '';
  if (!isCommandName(command)) {
    throw new InputValidationError('The command is unknown', [
      { path: 'command', message: 'must be capture, charge, cancel, complete, refund or resend' },
    ]);
  }
  return { kind: 'command', reservationId, command };
}
