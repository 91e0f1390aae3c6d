import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';
import { CAPTURE_DUE_DETAIL_TYPE } from '#shared/events/capture-due-event';
import { captureDueDetailJsonSchema } from '#shared/events/capture-due-json-schema';
import { STATUS_CHANGED_DETAIL_TYPE } from '#shared/events/status-changed-event';
import { statusChangedDetailJsonSchema } from '#shared/events/status-changed-json-schema';

/** Schema Registry content type for JSON Schema documents. */
export const SCHEMA_TYPE = 'JSONSchemaDraft4';

type JsonObject = Record<string, unknown>;

/** One event type as its Schema Registry entry describes it. */
export interface EventType {
  /** The construct id of its entry (the status event's has always been `status-changed`). */
  readonly id: string;
  readonly detailType: string;
  /** What one event of this type says. */
  readonly description: string;
  /** The JSON Schema of `detail`, generated from its valibot schema (committed under docs/schemas). */
  readonly detailSchema: object;
}

/** The events we publish. */
export const EVENT_TYPES: readonly EventType[] = [
  {
    id: 'status-changed',
    detailType: STATUS_CHANGED_DETAIL_TYPE,
    description:
      'One change of a Front Payment reservation, as its reservation details show it (detail schema version 2).',
    detailSchema: statusChangedDetailJsonSchema,
  },
  {
    id: 'capture-due',
    detailType: CAPTURE_DUE_DETAIL_TYPE,
    description:
      'A deadline of a Front Payment reservation (capture window or charge validity) is near (detail schema version 1).',
    detailSchema: captureDueDetailJsonSchema,
  },
];

/**
 * The whole EventBridge event as a JSON Schema: the envelope fields EventBridge adds, our fixed
 * `source` and `detail-type`, and `detail` exactly as the event type's detail schema (the same
 * schema committed under `docs/schemas/`). Only the nested document's own `$schema` marker is
 * dropped.
 */
export function eventJsonSchema(eventType: EventType, eventSource: string): JsonObject {
  const { $schema: _marker, ...detail } = eventType.detailSchema as JsonObject;
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    title: eventType.detailType.replaceAll(' ', ''),
    description: eventType.description,
    type: 'object',
    required: ['detail-type', 'source', 'detail'],
    properties: {
      version: { type: 'string' },
      id: { type: 'string' },
      'detail-type': { type: 'string', enum: [eventType.detailType] },
      source: { type: 'string', enum: [eventSource] },
      account: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      detail,
    },
  };
}

export interface EventSchemasProps {
  /** `source` of our events. */
  readonly eventSource: string;
}

/** A Schema Registry with each event we publish, so consumers can browse and download bindings. */
export class EventSchemas extends Construct {
  readonly registry: eventschemas.CfnRegistry;
  /** One entry per event type, by detail type. */
  readonly schemas: ReadonlyMap<string, eventschemas.CfnSchema>;

  constructor(scope: Construct, id: string, props: EventSchemasProps) {
    super(scope, id);
    this.registry = new eventschemas.CfnRegistry(this, 'registry', {
      description: 'Events published by the Front Payment reservations integration',
    });
    this.schemas = new Map(
      EVENT_TYPES.map((eventType) => [
        eventType.detailType,
        new eventschemas.CfnSchema(this, eventType.id, {
          registryName: this.registry.attrRegistryName,
          // The name EventBridge schema discovery would give it: `<source>@<DetailTypeWithoutSpaces>`.
          schemaName: `${props.eventSource}@${eventType.detailType.replaceAll(' ', '')}`,
          type: SCHEMA_TYPE,
          description: `${eventType.detailType} events from ${props.eventSource}`,
          content: JSON.stringify(eventJsonSchema(eventType, props.eventSource)),
        }),
      ]),
    );
  }
}
