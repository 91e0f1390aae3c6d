import { describe, expect, it } from 'vitest';
import {
  ANSWER_MARGIN_MS,
  CALLBACK_PUBLISH_BUDGET_MS,
  detailsTimeoutMs,
  LAST_WORDS_MS,
  publishDeadline,
  publishWindow,
  RECORD_RESERVE_MS,
} from '../../functions/callback/time-budget.ts';

const NOW = 1_755_764_131_000;

describe('publishDeadline (how long the callback publishes while Front Payment waits)', () => {
  it('gives publishing its budget when the Lambda has plenty of time', () => {
    expect(publishDeadline(9_000, NOW)).toBe(NOW + CALLBACK_PUBLISH_BUDGET_MS);
  });

  it('stops publishing the answer margin before the Lambda times out', () => {
    expect(publishDeadline(4_000, NOW)).toBe(NOW + 4_000 - ANSWER_MARGIN_MS);
  });

  it('leaves publishing to the sweeper when less than the margin is left', () => {
    expect(publishDeadline(1_500, NOW)).toBe(NOW);
  });
});

describe('detailsTimeoutMs (how long the callback waits for Front Payment)', () => {
  it('is the configured timeout when the Lambda has plenty of time', () => {
    expect(detailsTimeoutMs(5_000, 15_000)).toBe(5_000);
  });

  it('shrinks so recording and answering still fit', () => {
    expect(detailsTimeoutMs(5_000, 7_000)).toBe(7_000 - ANSWER_MARGIN_MS - RECORD_RESERVE_MS);
  });

  it('is 0 when nothing fits: the sweeper confirms later', () => {
    expect(detailsTimeoutMs(5_000, 4_000)).toBe(0);
  });
});

describe('publishWindow (a request in flight is not abandoned at the deadline)', () => {
  it('lets a request sent before the deadline run until just before the Lambda ends', () => {
    expect(publishWindow(9_000, NOW)).toEqual({
      deadline: NOW + CALLBACK_PUBLISH_BUDGET_MS,
      endBy: NOW + 9_000 - LAST_WORDS_MS,
    });
  });
});
