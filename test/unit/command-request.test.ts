import { describe, expect, it } from 'vitest';
import { type CommandName, parseCommandRequest } from '#shared/commands/command-request';
import { InputValidationError } from '#shared/errors';
import { DEFAULT_ALLOWED_TAX_RATES } from '#shared/reservations/reservation-schema';

/** The field errors of a refused body, or `[]` when it is accepted. */
function errorsOf(command: CommandName, body: unknown) {
  try {
    parseCommandRequest(command, body, DEFAULT_ALLOWED_TAX_RATES);
    return [];
  } catch (error) {
    if (!(error instanceof InputValidationError)) throw error;
    return error.errors;
  }
}

const minibar = { name: 'Minibar', rate: 400, tax: 25, amount: 500 };

// Each cross-field rule names one field (never the object) with its own message: merchants and
// the docs rely on both (docs/commands.md, docs/errors.md).
describe('cross-field rules of the command bodies', () => {
  it.each<[CommandName, unknown, string, string]>([
    [
      'capture',
      { lines: [{ amount: 10 }] },
      'lines.0.productId',
      'give exactly one of productId and index to name the product line',
    ],
    [
      'capture',
      { lines: [{ productId: '7', index: 0, amount: 10 }] },
      'lines.0.productId',
      'give exactly one of productId and index to name the product line',
    ],
    [
      'capture',
      { amount: 10, lines: [{ index: 0, amount: 10 }] },
      'amount',
      'must not be given together with lines',
    ],
    [
      'charge',
      { products: [minibar], grandTotal: 400 },
      'grandTotal',
      'must be the sum of the products’ amounts',
    ],
    ['refund', {}, 'amount', 'is required unless lines are given'],
    [
      'refund',
      { amount: 10, lines: [{ index: 0, amount: 10 }] },
      'amount',
      'must not be given together with lines',
    ],
    ['resend', { msisdn: '40000000' }, 'countryCode', 'is required with msisdn'],
    [
      'resend',
      {},
      'email',
      'is required, unless countryCode and msisdn are given to send the link to',
    ],
  ])('%s %j: %s %s', (command, body, path, message) => {
    expect(errorsOf(command, body)).toEqual([{ path, message }]);
  });

  it('name each field that breaks a rule: a countryCode alone needs msisdn, and then email too', () => {
    expect(errorsOf('resend', { countryCode: '+47' })).toEqual([
      { path: 'msisdn', message: 'is required with countryCode' },
      {
        path: 'email',
        message: 'is required, unless countryCode and msisdn are given to send the link to',
      },
    ]);
  });

  it('run even when another field fails', () => {
    expect(errorsOf('refund', { source: 'nowhere' })).toEqual([
      { path: 'source', message: 'must be "captured" or "charged"' },
      { path: 'amount', message: 'is required unless lines are given' },
    ]);
  });

  it.each<[CommandName, unknown]>([
    ['capture', {}],
    ['capture', { amount: 10 }],
    [
      'capture',
      {
        lines: [
          { productId: '7', amount: 10 },
          { index: 1, amount: 5 },
        ],
      },
    ],
    ['charge', { products: [minibar], grandTotal: 500 }],
    ['refund', { amount: 10 }],
    ['refund', { lines: [{ index: 0, amount: 10 }] }],
    ['resend', { email: 'guest@example.com' }],
    ['resend', { countryCode: '+47', msisdn: '40000000' }],
  ])('accept %s %j', (command, body) => {
    expect(errorsOf(command, body)).toEqual([]);
  });
});
