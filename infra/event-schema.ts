import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';
import { STATUS_CHANGED_DETAIL_TYPE } from '#shared/events/status-changed-event';
import { statusChangedDetailJsonSchema } from '#shared/events/status-changed-json-schema';

/** Schema Registry content type for JSON Schema documents. */
export const SCHEMA_TYPE = 'JSONSchemaDraft4';

type JsonObject = Record<string, unknown>;

/**
 * The whole EventBridge event as a JSON Schema: the envelope fields EventBridge adds, our fixed
 * `source` and `detail-type`, and `detail` exactly as `statusChangedDetailJsonSchema` (the same
 * schema committed as `docs/schemas/reservation-status-changed.schema.json`). Only the nested
 * document's own `$schema` marker is dropped.
 */
export function statusChangedEventJsonSchema(eventSource: string): JsonObject {
  const { $schema: _marker, ...detail } = statusChangedDetailJsonSchema as JsonObject;
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    title: 'ReservationStatusChanged',
    description:
      'One change of a Front Payment reservation, as its reservation details show it (detail schema version 2).',
    type: 'object',
    required: ['detail-type', 'source', 'detail'],
    properties: {
      version: { type: 'string' },
      id: { type: 'string' },
      'detail-type': { type: 'string', enum: [STATUS_CHANGED_DETAIL_TYPE] },
      source: { type: 'string', enum: [eventSource] },
      account: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      detail,
    },
  };
}

export interface StatusEventSchemaProps {
  /** `source` of our events. */
  readonly eventSource: string;
}

/** A Schema Registry with the status-changed event, so consumers can browse and download bindings. */
export class StatusEventSchema extends Construct {
  readonly registry: eventschemas.CfnRegistry;
  readonly schema: eventschemas.CfnSchema;

  constructor(scope: Construct, id: string, props: StatusEventSchemaProps) {
    super(scope, id);
    this.registry = new eventschemas.CfnRegistry(this, 'registry', {
      description: 'Events published by the Front Payment reservations integration',
    });
    this.schema = new eventschemas.CfnSchema(this, 'status-changed', {
      registryName: this.registry.attrRegistryName,
      // The name EventBridge schema discovery would give it: `<source>@<DetailTypeWithoutSpaces>`.
      schemaName: `${props.eventSource}@${STATUS_CHANGED_DETAIL_TYPE.replaceAll(' ', '')}`,
      type: SCHEMA_TYPE,
      description: `${STATUS_CHANGED_DETAIL_TYPE} events from ${props.eventSource}`,
      content: JSON.stringify(statusChangedEventJsonSchema(props.eventSource)),
    });
  }
}
