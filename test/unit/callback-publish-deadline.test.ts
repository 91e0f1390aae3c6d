import { describe, expect, it } from 'vitest';
import {
  ANSWER_MARGIN_MS,
  CALLBACK_PUBLISH_BUDGET_MS,
  publishDeadline,
} from '../../functions/callback/publish-deadline.ts';

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
