import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { PAYMENT_STATUSES } from '#shared/callbacks/payment-status';
import {
  type StatusChangedDetail,
  StatusChangedDetailSchema,
} from '#shared/events/status-changed-event';
import { statusChangedDetailJsonSchema } from '#shared/events/status-changed-json-schema';
import { EVENT_SCHEMA_COMMAND, EVENT_SCHEMA_FILES } from '../../infra/event-schema-file.ts';

const detail: StatusChangedDetail = {
  schemaVersion: 2,
  eventId: '43b4cf24-5049-8f64-924f-9c7e0ed77b40',
  reservationId: 'rsv_01',
  reservationUuid: 'RES4161996022',
  status: 'CAPTURED',
  previousStatus: 'RESERVED',
  currentStatus: 'CAPTURED',
  amount: 250.5,
  reference: 'CAP1234567890',
  reservedAmount: 1000,
  capturedAmount: 650.5,
  chargedAmount: 0,
  refundedAmount: 0,
  occurredAt: '2025-08-21T08:15:00.000Z',
  orderCreatedAt: '2025-08-20T10:00:00.000Z',
  receivedAt: '2025-08-21T08:15:33.120Z',
};

describe('StatusChangedDetailSchema', () => {
  it('accepts a complete detail', () => {
    expect(v.parse(StatusChangedDetailSchema, detail)).toEqual(detail);
  });

  it('accepts a change without a reference or a time of its own (a refund)', () => {
    expect(
      v.is(StatusChangedDetailSchema, {
        ...detail,
        status: 'REFUNDED',
        reference: null,
        occurredAt: null,
      }),
    ).toBe(true);
  });

  it.each([
    ['eventId', 'not-a-uuid'],
    ['status', 'Captured'],
    ['amount', '250.50'],
    ['occurredAt', '1755764131'],
    ['schemaVersion', 1],
    ['capturedAmount', -1],
  ])('refuses a wrong %s', (field, value) => {
    expect(v.is(StatusChangedDetailSchema, { ...detail, [field]: value })).toBe(false);
  });
});

describe('statusChangedDetailJsonSchema', () => {
  it('is generated from the valibot schema: same required fields and statuses', () => {
    const schema = statusChangedDetailJsonSchema as {
      required: string[];
      properties: Record<string, { enum?: string[]; type?: string; format?: string }>;
    };

    expect([...schema.required].sort()).toEqual(Object.keys(detail).sort());
    expect(schema.properties.status?.enum).toEqual([...PAYMENT_STATUSES]);
    expect(schema.properties.amount?.type).toBe('number');
    expect(schema.properties.eventId?.format).toBe('uuid');
    expect(schema.properties.receivedAt?.format).toBe('date-time');
    expect(JSON.stringify(schema.properties.occurredAt)).toContain('date-time');
  });
});

describe('the committed JSON Schema files', () => {
  it.each(EVENT_SCHEMA_FILES.map((file) => [file.detailType, file] as const))(
    'of %s is what the valibot schema generates',
    (_detailType, file) => {
      const committed = JSON.parse(readFileSync(file.path, 'utf8'));

      expect(
        committed,
        `${relative(process.cwd(), file.path)} differs from the valibot schema: run \`${EVENT_SCHEMA_COMMAND}\``,
      ).toEqual(file.detailSchema);
    },
  );

  it('cover the capture-due event too', () => {
    expect(EVENT_SCHEMA_FILES.map((file) => relative(process.cwd(), file.path))).toEqual([
      'docs/schemas/reservation-status-changed.schema.json',
      'docs/schemas/reservation-capture-due.schema.json',
    ]);
  });
});
