import { describe, expect, it } from 'vitest';
import { CAPTURE_DUE_DETAIL_TYPE } from '#shared/events/capture-due-event';
import {
  DEFAULT_EVENT_SOURCE,
  STATUS_CHANGED_DETAIL_TYPE,
} from '#shared/events/status-changed-event';
import { defaultForwardPattern } from '../../infra/local/event-forwarding/default-forward-pattern.ts';
import {
  matchesEventPattern,
  parseEventPattern,
} from '../../infra/local/event-forwarding/event-pattern.ts';

const envelope = (
  detailType: string,
  detail: Record<string, unknown>,
  source = DEFAULT_EVENT_SOURCE,
) => ({
  version: '0',
  id: 'e1',
  'detail-type': detailType,
  source,
  account: '000000000000',
  time: '2026-12-04T12:00:00Z',
  region: 'eu-north-1',
  resources: [],
  detail,
});

describe('matchesEventPattern', () => {
  const pattern = defaultForwardPattern(DEFAULT_EVENT_SOURCE);

  it("the default (onStatus's rule, every status) takes status events of our source only", () => {
    expect(
      matchesEventPattern(pattern, envelope(STATUS_CHANGED_DETAIL_TYPE, { status: 'CAPTURED' })),
    ).toBe(true);
    expect(
      matchesEventPattern(
        pattern,
        envelope(STATUS_CHANGED_DETAIL_TYPE, { status: 'CAPTURED' }, 'other.source'),
      ),
    ).toBe(false);
    expect(
      matchesEventPattern(
        pattern,
        envelope(CAPTURE_DUE_DETAIL_TYPE, { deadline: 'capture-window' }),
      ),
    ).toBe(false);
    expect(
      matchesEventPattern(pattern, envelope(STATUS_CHANGED_DETAIL_TYPE, { status: 'LOST' })),
    ).toBe(false);
    expect(matchesEventPattern(pattern, envelope(STATUS_CHANGED_DETAIL_TYPE, {}))).toBe(false);
  });

  it('a detail value list, prefix and exists match as EventBridge does', () => {
    const charged = parseEventPattern({ detail: { status: ['CHARGED', 'REFUNDED'] } });
    expect(
      matchesEventPattern(charged, envelope(STATUS_CHANGED_DETAIL_TYPE, { status: 'REFUNDED' })),
    ).toBe(true);
    expect(
      matchesEventPattern(charged, envelope(STATUS_CHANGED_DETAIL_TYPE, { status: 'CAPTURED' })),
    ).toBe(false);

    const prefix = parseEventPattern({ detail: { reference: [{ prefix: 'CAP' }] } });
    expect(
      matchesEventPattern(prefix, envelope(STATUS_CHANGED_DETAIL_TYPE, { reference: 'CAP123' })),
    ).toBe(true);
    expect(
      matchesEventPattern(prefix, envelope(STATUS_CHANGED_DETAIL_TYPE, { reference: 'CHA123' })),
    ).toBe(false);
    expect(
      matchesEventPattern(prefix, envelope(STATUS_CHANGED_DETAIL_TYPE, { reference: null })),
    ).toBe(false);

    const absent = parseEventPattern({ detail: { reference: [{ exists: false }] } });
    expect(matchesEventPattern(absent, envelope(STATUS_CHANGED_DETAIL_TYPE, {}))).toBe(true);
    expect(
      matchesEventPattern(absent, envelope(STATUS_CHANGED_DETAIL_TYPE, { reference: 'CAP1' })),
    ).toBe(false);

    // An array in the event matches when one of its elements does; null matches null.
    const resources = parseEventPattern({ resources: ['arn:b'], detail: { reference: [null] } });
    expect(
      matchesEventPattern(resources, {
        resources: ['arn:a', 'arn:b'],
        detail: { reference: null },
      }),
    ).toBe(true);
    expect(
      matchesEventPattern(resources, { resources: ['arn:a'], detail: { reference: null } }),
    ).toBe(false);
  });

  it('refuses operators it does not implement, naming where, instead of matching them wrong', () => {
    expect(() =>
      parseEventPattern({ detail: { amount: [{ numeric: ['>', 0] }] } }, 'FORWARD_EVENTS_PATTERN'),
    ).toThrow('FORWARD_EVENTS_PATTERN.detail.amount: {"numeric":[">",0]} is not supported locally');
    expect(() => parseEventPattern({ source: [] })).toThrow(
      'pattern.source must list at least one value',
    );
    expect(() => parseEventPattern([])).toThrow('pattern must be a non-empty JSON object');
  });
});
