import { describe, expect, it } from 'vitest';
import { fieldErrorsOf } from '#shared/front-payment/envelope';

describe('fieldErrorsOf', () => {
  it('reads Laravel-style field objects', () => {
    expect(
      fieldErrorsOf({
        'customerDetails.email': ['The customer details.email must be a valid email address.'],
        'products.0.tax': 'The selected tax is invalid.',
      }),
    ).toEqual([
      {
        path: 'customerDetails.email',
        message: 'The customer details.email must be a valid email address.',
      },
      { path: 'products.0.tax', message: 'The selected tax is invalid.' },
    ]);
  });

  it('reads message arrays as errors of no field', () => {
    expect(fieldErrorsOf(['Payment Gateway Error: Failed At: PAR156'])).toEqual([
      { path: '', message: 'Payment Gateway Error: Failed At: PAR156' },
    ]);
  });

  it('ignores shapes it does not know', () => {
    expect(fieldErrorsOf(undefined)).toEqual([]);
    expect(fieldErrorsOf({ happenedAt: 3 })).toEqual([]);
  });
});
