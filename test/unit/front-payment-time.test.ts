import { describe, expect, it } from 'vitest';
import { frontPaymentTime } from '#shared/front-payment/reservation-details';

describe('frontPaymentTime refuses zone-less text that names no real moment', () => {
  it.each([
    '31.02.2024 10:00',
    '30.02.2024 10:00',
    '29.02.2023 10:00',
    '32.01.2024 10:00',
    '15.13.2024 10:00',
    '00.01.2024 10:00',
    '15.01.2024 24:00',
    '15.01.2024 10:60',
    '15.01.2024 10:00:60',
  ])('%s is refused (null), not rolled over into another day', (text) => {
    expect(frontPaymentTime(text)).toBeNull();
  });

  it('still reads a leap day and the last minute of a day', () => {
    expect(frontPaymentTime('29.02.2024 10:00')).toBe('2024-02-29T09:00:00.000Z');
    expect(frontPaymentTime('31.12.2024 23:59')).toBe('2024-12-31T22:59:00.000Z');
  });
});
