import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { AppSettings } from './app-settings.ts';
import {
  CALLBACK_ROUTE,
  CREATE_RESERVATION_ROUTE,
  FrontPaymentReservations,
  type FrontPaymentReservationsProps,
} from './front-payment-reservations.ts';

export interface ReservationsStackProps extends StackProps {
  readonly settings: AppSettings;
}

/** The deployable app: one `FrontPaymentReservations` and the outputs an operator needs. */
export class ReservationsStack extends Stack {
  readonly reservations: FrontPaymentReservations;

  constructor(scope: Construct, id: string, props: ReservationsStackProps) {
    super(scope, id, props);
    this.reservations = new FrontPaymentReservations(
      this,
      'reservations',
      reservationsProps(this, props.settings),
    );
    const r = this.reservations;
    const outputs: Record<string, [value: string, description: string]> = {
      ApiUrl: [r.apiUrl, 'Base URL of the HTTP API'],
      HttpApiId: [r.httpApi.apiId, 'Id of the HTTP API, for execute-api:Invoke policies'],
      CreateReservationUrl: [
        `${r.httpApi.apiEndpoint}${CREATE_RESERVATION_ROUTE}`,
        'POST here to create a reservation (SigV4 or JWT)',
      ],
      CallbackUrl: [
        `${r.httpApi.apiEndpoint}${CALLBACK_ROUTE}`,
        'Base of the callback URLs: each session sends Front Payment this URL followed by /{reservationId}',
      ],
      EventBusName: [
        r.eventBus.eventBusName,
        'Bus that carries the Reservation Status Changed and Reservation Capture Due events',
      ],
      EventBusArn: [r.eventBus.eventBusArn, 'ARN of the event bus'],
      EventArchiveArn: [r.archive.archiveArn, 'Archive of the status events: replay from here'],
      EventSource: [r.eventSource, 'source of the status events'],
      ReservationsTableName: [r.table.tableName, 'Reservations, status changes and outbox'],
      TokenSecretArn: [
        r.secrets.frontPaymentToken.secretArn,
        'Put the Front Payment bearer token here',
      ],
      CallbackSecretArn: [r.secrets.callbackSecret.secretArn, 'Put the callback secret key here'],
      SchemaRegistryName: [
        r.eventSchema.registry.attrRegistryName,
        'Schema Registry with the schemas of both events',
      ],
      AlarmTopicArn: [r.operations.alarmTopic.topicArn, 'Subscribe here to alarm notifications'],
      DashboardName: [r.operations.dashboard.dashboardName, 'CloudWatch dashboard'],
    };
    for (const [name, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, name, { value, description });
    }
  }
}

/** Turns validated app settings into construct props; unset settings keep the construct defaults. */
export function reservationsProps(
  scope: Construct,
  settings: AppSettings,
): FrontPaymentReservationsProps {
  return {
    ...(settings.stage ? { stage: settings.stage } : {}),
    ...(settings.throwAway !== undefined ? { throwAway: settings.throwAway } : {}),
    ...(settings.frontPaymentBaseUrl ? { frontPaymentBaseUrl: settings.frontPaymentBaseUrl } : {}),
    ...(settings.eventBusArn
      ? {
          eventBus: events.EventBus.fromEventBusArn(
            scope,
            'existing-event-bus',
            settings.eventBusArn,
          ),
        }
      : {}),
    ...(settings.eventSource ? { eventSource: settings.eventSource } : {}),
    ...(settings.tokenSecretArn
      ? {
          frontPaymentTokenSecret: secretsmanager.Secret.fromSecretCompleteArn(
            scope,
            'existing-token-secret',
            settings.tokenSecretArn,
          ),
        }
      : {}),
    ...(settings.callbackSecretArn
      ? {
          callbackSecret: secretsmanager.Secret.fromSecretCompleteArn(
            scope,
            'existing-callback-secret',
            settings.callbackSecretArn,
          ),
        }
      : {}),
    ...(settings.jwtIssuer && settings.jwtAudience
      ? {
          authorization: {
            mode: 'jwt' as const,
            issuer: settings.jwtIssuer,
            audience: settings.jwtAudience,
          },
        }
      : {}),
    ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    ...(settings.callbackChecksumFormula
      ? { callbackChecksumFormula: settings.callbackChecksumFormula }
      : {}),
    ...(settings.callbackMaxAgeSeconds !== undefined
      ? { callbackMaxAge: Duration.seconds(settings.callbackMaxAgeSeconds) }
      : {}),
    ...(settings.allowedTaxRates ? { allowedTaxRates: settings.allowedTaxRates } : {}),
    ...(settings.memorySize ? { memorySize: settings.memorySize } : {}),
    ...(settings.lookupIndexes ? { lookupIndexes: settings.lookupIndexes } : {}),
  };
}
