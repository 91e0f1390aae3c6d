import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { recordFromDetails } from '#shared/callbacks/record-from-details';
import type { CommandAnswer } from '#shared/commands/command-answer';
import { parseCommandRequest } from '#shared/commands/command-request';
import { findOwnedReservation } from '#shared/commands/owned-reservation';
import { readReservationView } from '#shared/commands/reservation-view';
import type { ReservationView } from '#shared/commands/reservation-view-schema';
import { type CommandDependencies, runCommand } from '#shared/commands/run-command';
import { settleUnknownCommands } from '#shared/commands/settle-unknown-commands';
import { ReservationNotFoundError } from '#shared/errors';
import type { PublishOptions } from '#shared/events/event-publisher';
import { callerDigestOf, callerIdentityOf } from '#shared/http/caller-identity';
import { requiredIdempotencyKeyOf } from '#shared/http/idempotency-key';
import { jsonResponse } from '#shared/http/json-response';
import { findReservations } from '#shared/lookups/find-reservations';
import { requestTargetOf } from './request-target.ts';

export interface ReservationRequestDependencies extends CommandDependencies {
  readonly tables: { readonly documents: DynamoDBDocumentClient; readonly tableName: string };
  readonly allowedTaxRates: readonly number[];
  /** Epoch ms: this Lambda's deadline. */
  readonly deadline: number;
  readonly publishWindow: () => PublishOptions;
}

/** Routes one request to the read or to the command it names. */
export async function handleReservationRequest(
  event: APIGatewayProxyEventV2,
  dependencies: ReservationRequestDependencies,
): Promise<APIGatewayProxyStructuredResultV2> {
  const target = requestTargetOf(event);
  if (target.kind === 'find') {
    return jsonResponse(200, await findReservations(target.query, dependencies.tables));
  }
  // Who calls scopes the Idempotency-Key only: every authorized principal may read or act.
  const caller = callerDigestOf(callerIdentityOf(event));
  if (target.kind === 'read') {
    if (target.refresh) {
      const reservation = await findOwnedReservation(target.reservationId, dependencies.repository);
      const { details } = await recordFromDetails(reservation, dependencies.publishWindow(), {
        ...dependencies,
        details: dependencies.frontPayment,
      });
      await settleUnknownCommands(
        target.reservationId,
        details,
        {
          commands: dependencies.commands,
          history: (start, end) => dependencies.frontPayment.getReservationHistory(start, end),
          log: dependencies.log,
        },
        new Date(),
      );
    }
    const view = await readReservationView(
      dependencies.tables.documents,
      dependencies.tables.tableName,
      target.reservationId,
    );
    if (!view) {
      throw new ReservationNotFoundError(
        `No reservation ${target.reservationId}`,
        target.reservationId,
      );
    }
    return jsonResponse(200, view satisfies ReservationView);
  }
  // Validation first: nothing else touches the body before it has its known, bounded shape.
  const request = parseCommandRequest(target.command, event.body, dependencies.allowedTaxRates);
  const idempotencyKey = requiredIdempotencyKeyOf(event);
  const { answer, replayed } = await runCommand(
    {
      reservationId: target.reservationId,
      caller,
      idempotencyKey,
      deadline: dependencies.deadline,
      publishWindow: dependencies.publishWindow,
    },
    request,
    dependencies,
  );
  return jsonResponse(
    202,
    answer satisfies CommandAnswer,
    replayed ? { 'idempotent-replayed': 'true' } : {},
  );
}
