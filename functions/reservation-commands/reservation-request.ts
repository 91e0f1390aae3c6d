import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { recordFromDetails } from '#shared/callbacks/record-from-details';
import { parseCommandRequest } from '#shared/commands/command-request';
import { findOwnedReservation } from '#shared/commands/owned-reservation';
import { readReservationView } from '#shared/commands/reservation-view';
import { type CommandDependencies, runCommand } from '#shared/commands/run-command';
import { settleUnknownCommands } from '#shared/commands/settle-unknown-commands';
import { InputValidationError, ReservationNotFoundError } from '#shared/errors';
import type { PublishOptions } from '#shared/events/event-publisher';
import { callerDigestOf, callerIdentityOf } from '#shared/http/caller-identity';
import { idempotencyKeyOf } from '#shared/http/idempotency-key';
import { jsonResponse } from '#shared/http/json-response';
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
  const caller = callerDigestOf(callerIdentityOf(event));
  if (target.kind === 'read') {
    if (target.refresh) {
      const reservation = await findOwnedReservation(
        target.reservationId,
        caller,
        dependencies.repository,
      );
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
    if (!view || view.owner !== caller) {
      throw new ReservationNotFoundError(`No reservation ${target.reservationId}`);
    }
    const { owner: _owner, ...answer } = view;
    return jsonResponse(200, answer);
  }
  // Validation first: nothing else touches the body before it has its known, bounded shape.
  const request = parseCommandRequest(target.command, event.body, dependencies.allowedTaxRates);
  const idempotencyKey = idempotencyKeyOf(event);
  if (idempotencyKey === undefined) {
    throw new InputValidationError('Commands require an Idempotency-Key header', [
      {
        path: 'Idempotency-Key',
        message: 'is required: a command is sent to Front Payment only once per key',
      },
    ]);
  }
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
  return jsonResponse(202, answer, replayed ? { 'idempotent-replayed': 'true' } : {});
}
