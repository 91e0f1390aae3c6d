import { describe, expect, it } from 'vitest';
import { applicableCommands } from '../../infra/local/console/console-commands.ts';

const totals = (reserved: number, captured = 0, charged = 0, refunded = 0) => ({
  reserved,
  captured,
  charged,
  refunded,
});

describe('applicableCommands (the console offers only what can apply)', () => {
  it.each([
    ['RESERVED', totals(1370), ['capture', 'charge', 'complete', 'cancel']],
    ['CAPTURED', totals(1370, 685), ['capture', 'charge', 'refund', 'complete']],
    ['CAPTURED', totals(1370, 1370), ['charge', 'refund', 'complete']],
    ['REFUNDED', totals(1370, 1370, 0, 1370), ['charge', 'complete']],
    ['COMPLETED', totals(1370, 685, 100, 200), ['refund']],
    ['COMPLETED', totals(1370, 685, 0, 685), []],
    ['CANCELLED', totals(1370), []],
    ['EXPIRED', totals(1370), []],
    ['SESSION_CREATED', totals(0), ['cancel']],
  ])('%s with %o: %o', (status, money, expected) => {
    expect(applicableCommands({ status, totals: money })).toEqual(expected);
  });

  it('compares in cents: 0.1 + 0.2 captured of 0.3 reserved leaves nothing to capture', () => {
    expect(
      applicableCommands({ status: 'CAPTURED', totals: totals(0.3, 0.1 + 0.2) }),
    ).not.toContain('capture');
  });
});
