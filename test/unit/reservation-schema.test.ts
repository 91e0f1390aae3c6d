import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { FieldError } from '#shared/errors';
import { ConfigurationError } from '#shared/errors';
import { ISO_3166_ALPHA_2_CODES } from '#shared/reservations/iso-country-codes';
import {
  type CreateReservationRequest,
  createReservationRequestSchema,
  DEFAULT_ALLOWED_TAX_RATES,
  MAX_AMOUNT,
} from '#shared/reservations/reservation-schema';
import { ROOT_PATH, toFieldErrors } from '#shared/validation-issues';

// 2024-08-22T02:40:30Z: 94 seconds before the documented example's dueDateForPaymentLink (1724294524).
const NOW = new Date('2024-08-22T02:40:30Z');
const NOW_SECONDS = 1724294430;
const START_OF_MINUTE = 1724294400;

const schema = createReservationRequestSchema({
  allowedTaxRates: DEFAULT_ALLOWED_TAX_RATES,
  now: () => NOW,
});

/** Front Payment's documented example payload: its create page shows it in two blocks, joined here. */
const DOCUMENTED_PAYLOAD_JSON = `{
  "customerDetails": {
    "type": "private",
    "countryCode": "+47",
    "msisdn": "46567468",
    "email": "nafees@yopmail.com",
    "name": "Nafees",
    "preferredLanguage": "en",
    "personalNumber": null,
    "organizationId": null,
    "address": { "street": "Dhaka", "zip": "3500", "city": "Cumilla", "country": "NO" }
  },
  "orderDate": "1724294524",
  "dueDateForPaymentLink": "1724294524",
  "referenceNo": null,
  "customerReference": null,
  "sendOrderBy": { "sms": false, "email": false },
  "products": {
    "0": { "name": "Test", "productId": null, "rate": 1000, "tax": "0", "amount": 1000 }
  },
  "orderSummary": { "subTotal": 1000.00, "totalTax": 0, "grandTotal": 1000.00 },
  "chargeValidity": "55",
  "customerNotes": null,
  "tnc": null,
  "submitPayment": { "via": "visa" },
  "callback": {
    "callbackUrl": "https://wp.frontpayment.no/?order_identifier=rRbl1FWZG59o&order_status=success",
    "success": "https://wp.frontpayment.no/?order_identifier=rRbl1FWZG59o&order_status=success",
    "failure": "https://frontpayment.no/?order_identifier=rRbl1FWZG59o&order_status=failed"
  },
  "settings": { "secureDetails": false, "isChargePartiallyRefundable": true }
}`;

type Json = Record<string, unknown>;

/** The documented example as a merchant may send it to us: without the callbackUrl that is ours. */
function validRequest(): Json {
  const payload = JSON.parse(DOCUMENTED_PAYLOAD_JSON) as Json;
  delete (payload.callback as Json).callbackUrl;
  return payload;
}

function customer(request: Json): Json {
  return request.customerDetails as Json;
}

function address(request: Json): Json {
  return customer(request).address as Json;
}

function firstProduct(request: Json): Json {
  return (request.products as Record<string, Json>)['0'] as Json;
}

/** `validRequest()` changed by `edit`. */
function requestWith(edit: (request: Json) => void): Json {
  const request = validRequest();
  edit(request);
  return request;
}

function parse(input: unknown, parser = schema): CreateReservationRequest {
  const result = v.safeParse(parser, input);
  if (!result.success) {
    throw new Error(`expected valid, got ${JSON.stringify(toFieldErrors(result.issues))}`);
  }
  return result.output;
}

function errorsOf(input: unknown, parser = schema): FieldError[] {
  const result = v.safeParse(parser, input);
  expect(result.success, 'expected the input to be invalid').toBe(false);
  const errors = toFieldErrors(result.issues ?? []);
  for (const { message } of errors) {
    // valibot's default messages ("Invalid type: … but received …") echo the value.
    expect(message).not.toMatch(/received|^Invalid /i);
  }
  return errors;
}

function pathsOf(input: unknown, parser = schema): string[] {
  return errorsOf(input, parser).map((error) => error.path);
}

describe("Front Payment's documented example", () => {
  it('is valid once its callbackUrl (ours to set) is removed, while its due date is ahead', () => {
    const output = parse(validRequest());

    expect(output.products).toEqual([
      { name: 'Test', productId: null, rate: 1000, tax: 0, amount: 1000 },
    ]);
    expect(output.orderSummary).toEqual({ subTotal: 1000, totalTax: 0, grandTotal: 1000 });
    expect(output.callback).toEqual({
      success: 'https://wp.frontpayment.no/?order_identifier=rRbl1FWZG59o&order_status=success',
      failure: 'https://frontpayment.no/?order_identifier=rRbl1FWZG59o&order_status=failed',
    });
  });

  it('as written is rejected only for its callbackUrl', () => {
    expect(errorsOf(JSON.parse(DOCUMENTED_PAYLOAD_JSON))).toEqual([
      {
        path: 'callback.callbackUrl',
        message: 'callbackUrl is set by this service and must not be sent',
      },
    ]);
  });

  it('is rejected once its due date has passed', () => {
    const later = createReservationRequestSchema({
      allowedTaxRates: DEFAULT_ALLOWED_TAX_RATES,
      now: () => new Date('2024-08-22T02:43:00Z'),
    });

    expect(pathsOf(validRequest(), later)).toEqual(['dueDateForPaymentLink']);
  });
});

describe('customerDetails.type (required, private|corporate)', () => {
  it('accepts private and corporate', () => {
    expect(parse(validRequest()).customerDetails.type).toBe('private');
    const corporate = requestWith((r) => {
      customer(r).type = 'corporate';
      customer(r).organizationId = '987654321';
    });
    expect(parse(corporate).customerDetails.type).toBe('corporate');
  });

  it.each([['business'], ['Private'], [null], [1]])('rejects %j', (type) => {
    const errors = errorsOf(requestWith((r) => (customer(r).type = type)));
    expect(errors.map((e) => e.path)).toEqual(['customerDetails.type']);
  });

  it('is required', () => {
    expect(errorsOf(requestWith((r) => delete customer(r).type))).toEqual([
      { path: 'customerDetails.type', message: 'is required' },
    ]);
  });
});

describe('customerDetails.countryCode (required, "+" and 1-4 digits)', () => {
  it.each([['+47'], ['+1'], ['+1684']])('accepts %s', (countryCode) => {
    expect(parse(requestWith((r) => (customer(r).countryCode = countryCode)))).toBeTruthy();
  });

  it.each([['47'], ['+12345'], ['+4 7'], ['+'], [47]])('rejects %j', (countryCode) => {
    const request = requestWith((r) => (customer(r).countryCode = countryCode));
    expect(pathsOf(request)).toEqual(['customerDetails.countryCode']);
  });

  it('is required', () => {
    expect(pathsOf(requestWith((r) => delete customer(r).countryCode))).toEqual([
      'customerDetails.countryCode',
    ]);
  });
});

describe('customerDetails.msisdn (required, digits without the country code)', () => {
  it('accepts digits', () => {
    expect(parse(validRequest()).customerDetails.msisdn).toBe('46567468');
  });

  it.each([['+4746567468'], ['465 67 468'], [''], ['1234567890123456'], [46567468]])(
    'rejects %j',
    (msisdn) => {
      const request = requestWith((r) => (customer(r).msisdn = msisdn));
      expect(pathsOf(request)).toEqual(['customerDetails.msisdn']);
    },
  );

  it('is required', () => {
    expect(pathsOf(requestWith((r) => delete customer(r).msisdn))).toEqual([
      'customerDetails.msisdn',
    ]);
  });
});

describe('customerDetails.email (required, valid email)', () => {
  it('accepts a valid address', () => {
    expect(parse(validRequest()).customerDetails.email).toBe('nafees@yopmail.com');
  });

  it.each([['not-an-email'], ['a@b'], [''], [null]])('rejects %j', (email) => {
    const request = requestWith((r) => (customer(r).email = email));
    expect(pathsOf(request)).toEqual(['customerDetails.email']);
  });

  it('never echoes the rejected address', () => {
    const [error] = errorsOf(requestWith((r) => (customer(r).email = 'kari.nordmann@@example')));
    expect(error).toEqual({
      path: 'customerDetails.email',
      message: 'must be a valid email address',
    });
  });
});

describe('customerDetails.name (required)', () => {
  it('accepts a name', () => {
    expect(parse(validRequest()).customerDetails.name).toBe('Nafees');
  });

  it.each([[''], ['   '], [42], [null]])('rejects %j', (name) => {
    expect(pathsOf(requestWith((r) => (customer(r).name = name)))).toEqual([
      'customerDetails.name',
    ]);
  });

  it('is required', () => {
    expect(errorsOf(requestWith((r) => delete customer(r).name))).toEqual([
      { path: 'customerDetails.name', message: 'is required' },
    ]);
  });
});

describe('customerDetails.preferredLanguage (en, no, sv, da, de; default no)', () => {
  it.each([['en'], ['no'], ['sv'], ['da'], ['de']])('accepts %s', (language) => {
    const request = requestWith((r) => (customer(r).preferredLanguage = language));
    expect(parse(request).customerDetails.preferredLanguage).toBe(language);
  });

  it.each([
    ['absent', (r: Json) => delete customer(r).preferredLanguage],
    ['null', (r: Json) => (customer(r).preferredLanguage = null)],
    ['empty', (r: Json) => (customer(r).preferredLanguage = '')],
  ])('defaults to no when %s', (_, edit) => {
    expect(parse(requestWith(edit)).customerDetails.preferredLanguage).toBe('no');
  });

  it.each([['fr'], ['EN'], ['nb'], [1]])('rejects %j', (language) => {
    const errors = errorsOf(requestWith((r) => (customer(r).preferredLanguage = language)));
    expect(errors.map((e) => e.path)).toEqual(['customerDetails.preferredLanguage']);
  });

  it('names the languages it accepts', () => {
    const [error] = errorsOf(requestWith((r) => (customer(r).preferredLanguage = 'fr')));
    expect(error?.message).toBe('must be one of en, no, sv, da, de');
  });
});

describe('customerDetails.personalNumber (optional, exactly 11 digits)', () => {
  it('accepts 11 digits', () => {
    const request = requestWith((r) => (customer(r).personalNumber = '01017012345'));
    expect(parse(request).customerDetails.personalNumber).toBe('01017012345');
  });

  it.each([
    ['absent', (r: Json) => delete customer(r).personalNumber],
    ['null', (r: Json) => (customer(r).personalNumber = null)],
    ['empty', (r: Json) => (customer(r).personalNumber = '')],
  ])('is null when %s', (_, edit) => {
    expect(parse(requestWith(edit)).customerDetails.personalNumber).toBeNull();
  });

  it.each([['0101701234'], ['010170123456'], ['010170 1234'], ['0101701234a'], [1017012345]])(
    'rejects %j',
    (personalNumber) => {
      const request = requestWith((r) => (customer(r).personalNumber = personalNumber));
      expect(pathsOf(request)).toEqual(['customerDetails.personalNumber']);
    },
  );

  it('says the rule, not the number', () => {
    expect(errorsOf(requestWith((r) => (customer(r).personalNumber = '0101701234')))).toEqual([
      {
        path: 'customerDetails.personalNumber',
        message: 'must be exactly 11 digits, without spaces',
      },
    ]);
  });
});

describe('customerDetails.organizationId (digits; required when corporate)', () => {
  const corporate = (organizationId: unknown) =>
    requestWith((r) => {
      customer(r).type = 'corporate';
      customer(r).organizationId = organizationId;
    });

  it('accepts digits for a corporate customer', () => {
    expect(parse(corporate('987654321')).customerDetails.organizationId).toBe('987654321');
  });

  it.each([[null], ['']])('is required for a corporate customer (%j)', (organizationId) => {
    expect(errorsOf(corporate(organizationId))).toEqual([
      {
        path: 'customerDetails.organizationId',
        message: 'is required when customerDetails.type is corporate',
      },
    ]);
  });

  it('is required for a corporate customer when absent', () => {
    const request = corporate(null);
    delete customer(request).organizationId;
    expect(pathsOf(request)).toEqual(['customerDetails.organizationId']);
  });

  it('may be null or absent for a private customer', () => {
    expect(parse(validRequest()).customerDetails.organizationId).toBeNull();
    const absent = requestWith((r) => delete customer(r).organizationId);
    expect(parse(absent).customerDetails.organizationId).toBeNull();
  });

  it('must be digits for a private customer too', () => {
    const request = requestWith((r) => (customer(r).organizationId = '987 654 321'));
    expect(errorsOf(request)).toEqual([
      {
        path: 'customerDetails.organizationId',
        message: 'must contain only digits, without spaces',
      },
    ]);
  });

  it('reports spaces once for a corporate customer', () => {
    expect(pathsOf(corporate('987 654 321'))).toEqual(['customerDetails.organizationId']);
  });

  it('is still required for a corporate customer when other customer fields fail', () => {
    const request = corporate(null);
    customer(request).email = 'not-an-email';
    address(request).country = 'XX';
    expect(pathsOf(request)).toEqual([
      'customerDetails.email',
      'customerDetails.address.country',
      'customerDetails.organizationId',
    ]);
  });
});

describe('customerDetails.address (required object)', () => {
  it('is required', () => {
    expect(errorsOf(requestWith((r) => delete customer(r).address))).toEqual([
      { path: 'customerDetails.address', message: 'is required' },
    ]);
  });

  it.each([[null], ['Storgata 1, Oslo']])('rejects %j', (value) => {
    expect(pathsOf(requestWith((r) => (customer(r).address = value)))).toEqual([
      'customerDetails.address',
    ]);
  });

  it.each([['street'], ['zip'], ['city'], ['country']])('requires %s', (field) => {
    const missing = requestWith((r) => delete address(r)[field]);
    expect(errorsOf(missing)).toEqual([
      { path: `customerDetails.address.${field}`, message: 'is required' },
    ]);
  });

  it.each([['street'], ['zip'], ['city']])('rejects an empty %s', (field) => {
    const empty = requestWith((r) => (address(r)[field] = ''));
    expect(pathsOf(empty)).toEqual([`customerDetails.address.${field}`]);
  });
});

describe('customerDetails.address.country (ISO 3166-1 alpha-2)', () => {
  it.each([['NO'], ['SE'], ['AX'], ['SS'], ['BQ']])('accepts %s', (country) => {
    const request = requestWith((r) => (address(r).country = country));
    expect(parse(request).customerDetails.address.country).toBe(country);
  });

  it.each([['no'], ['NOR'], ['UK'], ['XK'], ['EU'], ['ZZ'], ['']])('rejects %j', (country) => {
    expect(errorsOf(requestWith((r) => (address(r).country = country)))).toEqual([
      {
        path: 'customerDetails.address.country',
        message: 'must be an ISO 3166-1 alpha-2 country code in upper case (e.g. NO)',
      },
    ]);
  });

  it('lists the 249 assigned codes, each a region the platform knows', () => {
    const regions = new Intl.DisplayNames(['en'], { type: 'region' });
    expect(new Set(ISO_3166_ALPHA_2_CODES).size).toBe(249);
    for (const code of ISO_3166_ALPHA_2_CODES) {
      expect(code).toMatch(/^[A-Z]{2}$/);
      expect(regions.of(code), code).not.toBe(code);
    }
  });
});

describe('orderDate (required unix timestamp string)', () => {
  it('accepts digits, even in the past', () => {
    expect(parse(requestWith((r) => (r.orderDate = '1700000000'))).orderDate).toBe('1700000000');
  });

  it.each([['2024-08-22'], ['1724294524000'], ['-1'], [''], [1724294524], [null], ['01724294']])(
    'rejects %j',
    (orderDate) => {
      expect(pathsOf(requestWith((r) => (r.orderDate = orderDate)))).toEqual(['orderDate']);
    },
  );

  it('is required', () => {
    expect(errorsOf(requestWith((r) => delete r.orderDate))).toEqual([
      { path: 'orderDate', message: 'is required' },
    ]);
  });
});

describe('dueDateForPaymentLink (required unix timestamp, now or later)', () => {
  it.each([
    ['the future', '1724294524'],
    ['the current second', String(NOW_SECONDS)],
    ['the start of the current minute', String(START_OF_MINUTE)],
  ])('accepts %s', (_, dueDate) => {
    const request = requestWith((r) => (r.dueDateForPaymentLink = dueDate));
    expect(parse(request).dueDateForPaymentLink).toBe(dueDate);
  });

  it('rejects a time before the current minute', () => {
    const request = requestWith((r) => (r.dueDateForPaymentLink = String(START_OF_MINUTE - 1)));
    expect(errorsOf(request)).toEqual([
      { path: 'dueDateForPaymentLink', message: 'must be now or in the future' },
    ]);
  });

  it('rejects milliseconds with one message about the format', () => {
    const request = requestWith((r) => (r.dueDateForPaymentLink = '1724294524000'));
    expect(errorsOf(request)).toEqual([
      {
        path: 'dueDateForPaymentLink',
        message: 'must be a unix timestamp in seconds (digits only)',
      },
    ]);
  });

  it.each([['tomorrow'], [1724294524], ['']])('rejects %j', (dueDate) => {
    const request = requestWith((r) => (r.dueDateForPaymentLink = dueDate));
    expect(pathsOf(request)).toEqual(['dueDateForPaymentLink']);
  });

  it('is required', () => {
    expect(pathsOf(requestWith((r) => delete r.dueDateForPaymentLink))).toEqual([
      'dueDateForPaymentLink',
    ]);
  });
});

describe('customerReference (ours: carries our reservationId)', () => {
  it.each([
    ['absent', (r: Json) => delete r.customerReference],
    ['null', (r: Json) => (r.customerReference = null)],
    ['empty', (r: Json) => (r.customerReference = '')],
  ])('is accepted when %s', (_, edit) => {
    expect(parse(requestWith(edit)).customerReference).toBeNull();
  });

  it('refuses a merchant value by name', () => {
    expect(errorsOf(requestWith((r) => (r.customerReference = 'CUST-7')))).toEqual([
      {
        path: 'customerReference',
        message: 'is set by this service (to our reservationId) and must not be sent',
      },
    ]);
  });
});

describe.each([['referenceNo'], ['customerNotes'], ['tnc']] as const)(
  '%s (optional string)',
  (field) => {
    it('keeps a string', () => {
      expect(parse(requestWith((r) => (r[field] = 'ORDER-1001')))[field]).toBe('ORDER-1001');
    });

    it.each([
      ['absent', (r: Json) => delete r[field]],
      ['null', (r: Json) => (r[field] = null)],
      ['empty', (r: Json) => (r[field] = '')],
    ])('is null when %s', (_, edit) => {
      expect(parse(requestWith(edit))[field]).toBeNull();
    });

    it.each([[1001], [true], [{}]])('rejects %j', (value) => {
      expect(errorsOf(requestWith((r) => (r[field] = value)))).toEqual([
        { path: field, message: 'must be a string' },
      ]);
    });
  },
);

describe('sendOrderBy (required, sms and email booleans)', () => {
  it('accepts booleans', () => {
    const request = requestWith((r) => (r.sendOrderBy = { sms: true, email: false }));
    expect(parse(request).sendOrderBy).toEqual({ sms: true, email: false });
  });

  it('is required', () => {
    expect(pathsOf(requestWith((r) => delete r.sendOrderBy))).toEqual(['sendOrderBy']);
  });

  it.each([['sms'], ['email']])('requires %s', (field) => {
    const request = requestWith((r) => delete (r.sendOrderBy as Json)[field]);
    expect(errorsOf(request)).toEqual([{ path: `sendOrderBy.${field}`, message: 'is required' }]);
  });

  it.each([['true'], [1], [null]])('rejects sms %j', (sms) => {
    const request = requestWith((r) => ((r.sendOrderBy as Json).sms = sms));
    expect(pathsOf(request)).toEqual(['sendOrderBy.sms']);
  });

  it('rejects email "false"', () => {
    const request = requestWith((r) => ((r.sendOrderBy as Json).email = 'false'));
    expect(errorsOf(request)).toEqual([
      { path: 'sendOrderBy.email', message: 'must be true or false' },
    ]);
  });
});

describe('products (required list, as an array or keyed "0", "1", …)', () => {
  const cabin = { name: 'Cabin night', productId: 'CABIN-1', rate: 1000, tax: 12, amount: 1120 };
  const cleaning = { name: 'Cleaning', productId: null, rate: '200', tax: '25', amount: '250.50' };

  it('reads the array and the keyed form into the same array, in order', () => {
    const asArray = parse(requestWith((r) => (r.products = [cabin, cleaning])));
    const keyed = parse(requestWith((r) => (r.products = { '0': cabin, '1': cleaning })));
    const keyedOutOfOrder = parse(requestWith((r) => (r.products = { '1': cleaning, '0': cabin })));

    const expected = [
      { name: 'Cabin night', productId: 'CABIN-1', rate: 1000, tax: 12, amount: 1120 },
      { name: 'Cleaning', productId: null, rate: 200, tax: 25, amount: 250.5 },
    ];
    expect(asArray.products).toEqual(expected);
    expect(keyed.products).toEqual(expected);
    expect(keyedOutOfOrder.products).toEqual(expected);
    expect(keyed).toEqual(asArray);
  });

  it('reports the same path for both forms', () => {
    const broken = { ...cleaning, tax: 7 };
    const asArray = errorsOf(requestWith((r) => (r.products = [cabin, broken])));
    const keyed = errorsOf(requestWith((r) => (r.products = { '0': cabin, '1': broken })));

    expect(asArray).toEqual([
      { path: 'products.1.tax', message: 'must be one of the allowed tax rates: 0, 12, 15, 25' },
    ]);
    expect(keyed).toEqual(asArray);
  });

  it('is required', () => {
    expect(errorsOf(requestWith((r) => delete r.products))).toEqual([
      { path: 'products', message: 'is required' },
    ]);
  });

  it.each([[[]], [{}]])('needs at least one product (%j)', (products) => {
    expect(errorsOf(requestWith((r) => (r.products = products)))).toEqual([
      { path: 'products', message: 'must contain at least one product' },
    ]);
  });

  it.each([[{ '1': cabin }], [{ '0': cabin, '2': cleaning }], [{ first: cabin }]])(
    'rejects keys that are not consecutive indexes (%j)',
    (products) => {
      expect(pathsOf(requestWith((r) => (r.products = products)))).toEqual(['products']);
    },
  );

  it.each([['Cabin'], [1000], [null]])('rejects %j', (products) => {
    expect(pathsOf(requestWith((r) => (r.products = products)))).toEqual(['products']);
  });

  it('rejects a product that is not an object', () => {
    expect(pathsOf(requestWith((r) => (r.products = [cabin, 'Cleaning'])))).toEqual(['products.1']);
  });
});

describe('products.*.name (required)', () => {
  it.each([[''], [null], [5]])('rejects %j', (name) => {
    expect(pathsOf(requestWith((r) => (firstProduct(r).name = name)))).toEqual(['products.0.name']);
  });

  it('is required', () => {
    expect(errorsOf(requestWith((r) => delete firstProduct(r).name))).toEqual([
      { path: 'products.0.name', message: 'is required' },
    ]);
  });
});

describe('products.*.productId (optional string)', () => {
  it('keeps a string and makes absent null', () => {
    expect(parse(requestWith((r) => (firstProduct(r).productId = 'SKU-1'))).products[0]).toEqual(
      expect.objectContaining({ productId: 'SKU-1' }),
    );
    expect(parse(requestWith((r) => delete firstProduct(r).productId)).products[0]).toEqual(
      expect.objectContaining({ productId: null }),
    );
  });

  it('rejects a number', () => {
    expect(errorsOf(requestWith((r) => (firstProduct(r).productId = 123)))).toEqual([
      { path: 'products.0.productId', message: 'must be a string' },
    ]);
  });
});

/** Amounts the money rule refuses, with the message naming the rule. */
const MONEY_REFUSALS: readonly (readonly [unknown, string])[] = [
  [-1, 'must not be negative'],
  ['-0.01', 'must not be negative'],
  [2 ** 53 + 1, `must be at most ${MAX_AMOUNT}`],
  [1e21, `must be at most ${MAX_AMOUNT}`],
  ['9'.repeat(401), `must be at most ${MAX_AMOUNT}`],
  [100_000_000, `must be at most ${MAX_AMOUNT}`],
  [5e-324, 'must have at most two decimals'],
  [0.001, 'must have at most two decimals'],
  ['1.005', 'must have at most two decimals'],
  ['0.1000000000000000000001', 'must have at most two decimals'],
];

describe.each([['rate'], ['amount']] as const)('products.*.%s (required money)', (field) => {
  it.each([
    [1000, 1000],
    ['1000', 1000],
    ['999.95', 999.95],
    [0.5, 0.5],
  ])('reads %j as %d', (value, expected) => {
    const request = requestWith((r) => (firstProduct(r)[field] = value));
    expect(parse(request).products[0]?.[field]).toBe(expected);
  });

  it.each([['abc'], ['1,5'], [''], [' 10'], [true], [null]])('rejects %j', (value) => {
    const request = requestWith((r) => (firstProduct(r)[field] = value));
    expect(pathsOf(request)).toEqual([`products.0.${field}`]);
  });

  it.each(MONEY_REFUSALS)('refuses %j: %s', (value, message) => {
    const request = requestWith((r) => (firstProduct(r)[field] = value));
    expect(errorsOf(request)).toEqual([{ path: `products.0.${field}`, message }]);
  });

  it('is required', () => {
    expect(errorsOf(requestWith((r) => delete firstProduct(r)[field]))).toEqual([
      { path: `products.0.${field}`, message: 'is required' },
    ]);
  });
});

describe('products.*.tax (required, one of the allowed rates)', () => {
  it.each([
    ['0', 0],
    [12, 12],
    ['15', 15],
    ['25.0', 25],
  ])('accepts %j by default', (tax, expected) => {
    expect(parse(requestWith((r) => (firstProduct(r).tax = tax))).products[0]?.tax).toBe(expected);
  });

  it.each([[7], ['10'], ['abc'], [null]])('rejects %j by default', (tax) => {
    expect(pathsOf(requestWith((r) => (firstProduct(r).tax = tax)))).toEqual(['products.0.tax']);
  });

  it('is required', () => {
    expect(pathsOf(requestWith((r) => delete firstProduct(r).tax))).toEqual(['products.0.tax']);
  });

  it('follows the configured rates', () => {
    const custom = createReservationRequestSchema({ allowedTaxRates: [0, 6.5], now: () => NOW });

    expect(
      parse(
        requestWith((r) => (firstProduct(r).tax = '6.5')),
        custom,
      ).products[0]?.tax,
    ).toBe(6.5);
    expect(
      errorsOf(
        requestWith((r) => (firstProduct(r).tax = 25)),
        custom,
      ),
    ).toEqual([
      { path: 'products.0.tax', message: 'must be one of the allowed tax rates: 0, 6.5' },
    ]);
  });

  it('refuses an empty list of rates', () => {
    expect(() => createReservationRequestSchema({ allowedTaxRates: [], now: () => NOW })).toThrow(
      ConfigurationError,
    );
  });
});

describe.each([['subTotal'], ['totalTax'], ['grandTotal']] as const)(
  'orderSummary.%s (required numeric)',
  (field) => {
    const summary = (r: Json) => r.orderSummary as Json;

    it('reads numbers and numeric strings as numbers', () => {
      expect(parse(requestWith((r) => (summary(r)[field] = '1370.50'))).orderSummary[field]).toBe(
        1370.5,
      );
    });

    it.each([['1 370'], ['NOK 10'], [null]])('rejects %j', (value) => {
      const request = requestWith((r) => (summary(r)[field] = value));
      expect(pathsOf(request)).toEqual([`orderSummary.${field}`]);
    });

    it.each(MONEY_REFUSALS)('refuses %j: %s', (value, message) => {
      const request = requestWith((r) => (summary(r)[field] = value));
      expect(errorsOf(request)).toEqual([{ path: `orderSummary.${field}`, message }]);
    });

    it.each([
      [0, 0],
      ['0.00', 0],
      [MAX_AMOUNT, MAX_AMOUNT],
      ['99999999.99', MAX_AMOUNT],
      [0.29, 0.29],
    ])('accepts %j', (value, expected) => {
      expect(parse(requestWith((r) => (summary(r)[field] = value))).orderSummary[field]).toBe(
        expected,
      );
    });

    it('is required', () => {
      expect(errorsOf(requestWith((r) => delete summary(r)[field]))).toEqual([
        { path: `orderSummary.${field}`, message: 'is required' },
      ]);
    });
  },
);

it('requires orderSummary', () => {
  expect(pathsOf(requestWith((r) => delete r.orderSummary))).toEqual(['orderSummary']);
});

describe('chargeValidity (optional, digits only)', () => {
  it.each([
    ['55', '55'],
    [55, '55'],
    ['0', '0'],
  ])('reads %j as %j', (value, expected) => {
    expect(parse(requestWith((r) => (r.chargeValidity = value))).chargeValidity).toBe(expected);
  });

  it.each([
    ['absent', (r: Json) => delete r.chargeValidity],
    ['null', (r: Json) => (r.chargeValidity = null)],
    ['empty', (r: Json) => (r.chargeValidity = '')],
  ])('is null when %s', (_, edit) => {
    expect(parse(requestWith(edit)).chargeValidity).toBeNull();
  });

  it.each([['5.5'], ['-1'], ['55 '], ['abc'], [5.5], [-1], [true]])('rejects %j', (value) => {
    expect(errorsOf(requestWith((r) => (r.chargeValidity = value)))).toEqual([
      { path: 'chargeValidity', message: 'must contain only digits (validity in minutes)' },
    ]);
  });
});

describe('submitPayment.via (required, visa|mastercard)', () => {
  it.each([['visa'], ['mastercard']])('accepts %s', (via) => {
    expect(parse(requestWith((r) => (r.submitPayment = { via }))).submitPayment.via).toBe(via);
  });

  it.each([['amex'], ['VISA'], [null]])('rejects %j', (via) => {
    expect(pathsOf(requestWith((r) => (r.submitPayment = { via })))).toEqual(['submitPayment.via']);
  });

  it('is required, as is submitPayment', () => {
    expect(pathsOf(requestWith((r) => (r.submitPayment = {})))).toEqual(['submitPayment.via']);
    expect(pathsOf(requestWith((r) => delete r.submitPayment))).toEqual(['submitPayment']);
  });
});

describe('callback (optional; success and failure URLs; callbackUrl is ours)', () => {
  it('is null when absent or null', () => {
    expect(parse(requestWith((r) => delete r.callback)).callback).toBeNull();
    expect(parse(requestWith((r) => (r.callback = null))).callback).toBeNull();
  });

  it('makes an absent redirect null', () => {
    const request = requestWith((r) => (r.callback = { success: 'http://shop.example/ok' }));
    expect(parse(request).callback).toEqual({ success: 'http://shop.example/ok', failure: null });
  });

  it.each([['success'], ['failure']])('rejects a %s that is not an http(s) URL', (field) => {
    for (const url of ['not a url', 'ftp://shop.example/ok', '/relative', 42]) {
      const request = requestWith((r) => ((r.callback as Json)[field] = url));
      expect(errorsOf(request)).toEqual([
        { path: `callback.${field}`, message: expect.stringMatching(/URL|string/) },
      ]);
    }
  });

  it.each([['https://attacker.example/callback'], [null], [''], [{}]])(
    'rejects callbackUrl %j',
    (callbackUrl) => {
      const request = requestWith((r) => ((r.callback as Json).callbackUrl = callbackUrl));
      expect(errorsOf(request)).toEqual([
        {
          path: 'callback.callbackUrl',
          message: 'callbackUrl is set by this service and must not be sent',
        },
      ]);
    },
  );
});

describe('settings (optional booleans)', () => {
  it('keeps booleans and makes absent ones null', () => {
    expect(parse(validRequest()).settings).toEqual({
      secureDetails: false,
      isChargePartiallyRefundable: true,
    });
    const partial = requestWith((r) => (r.settings = { secureDetails: true }));
    expect(parse(partial).settings).toEqual({
      secureDetails: true,
      isChargePartiallyRefundable: null,
    });
    expect(parse(requestWith((r) => delete r.settings)).settings).toBeNull();
  });

  it.each([['secureDetails'], ['isChargePartiallyRefundable']])(
    'rejects a %s that is not a boolean',
    (field) => {
      const request = requestWith((r) => ((r.settings as Json)[field] = 'yes'));
      expect(errorsOf(request)).toEqual([
        { path: `settings.${field}`, message: 'must be true or false' },
      ]);
    },
  );
});

describe('referenceNo (optional, at most 255 characters: a lookup index key)', () => {
  it('accepts 255 characters', () => {
    expect(parse(requestWith((r) => (r.referenceNo = 'R'.repeat(255)))).referenceNo).toBe(
      'R'.repeat(255),
    );
  });

  it('refuses 256, naming the field', () => {
    expect(errorsOf(requestWith((r) => (r.referenceNo = 'R'.repeat(256))))).toEqual([
      { path: 'referenceNo', message: 'must be at most 255 characters' },
    ]);
  });
});

describe('unknown fields', () => {
  it('rejects an unknown top-level key, naming it', () => {
    const request = requestWith((r) => (r.dueDate = '1724294524'));
    expect(errorsOf(request)).toEqual([
      { path: 'dueDate', message: 'is not a known field (check its spelling)' },
    ]);
  });

  it.each([
    ['customerDetails.emial', (r: Json) => (customer(r).emial = 'x')],
    ['customerDetails.address.postcode', (r: Json) => (address(r).postcode = '0155')],
    ['products.0.quantity', (r: Json) => (firstProduct(r).quantity = 1)],
    ['settings.secure', (r: Json) => ((r.settings as Json).secure = true)],
    // Found by the end-to-end property test (seed in create-session-properties.test.ts).
    ['""', (r: Json) => (r[''] = null)],
    ['customerDetails.""', (r: Json) => (customer(r)[''] = 1)],
  ])('rejects %s', (path, edit) => {
    expect(pathsOf(requestWith(edit))).toEqual([path]);
  });
});

describe('the whole body', () => {
  it.each([
    [null, 'is required'],
    ['{}', 'must be an object'],
  ])('reports %j at the root', (body, message) => {
    expect(errorsOf(body)).toEqual([{ path: ROOT_PATH, message }]);
  });

  it('lists every failing field at once', () => {
    const request = requestWith((r) => {
      customer(r).type = 'corporate';
      customer(r).email = 'nope';
      customer(r).personalNumber = '123';
      address(r).country = 'Norway';
      r.dueDateForPaymentLink = '1';
      delete r.sendOrderBy;
      r.products = { '0': { name: '', rate: 'x', tax: 7, amount: 1 } };
      (r.orderSummary as Json).grandTotal = 'lots';
      r.submitPayment = { via: 'cash' };
      r.callback = { callbackUrl: 'https://attacker.example', failure: 'nope' };
      r.typo = true;
    });

    expect(pathsOf(request).sort()).toEqual(
      [
        'callback.callbackUrl',
        'callback.failure',
        'customerDetails.address.country',
        'customerDetails.email',
        'customerDetails.organizationId',
        'customerDetails.personalNumber',
        'dueDateForPaymentLink',
        'orderSummary.grandTotal',
        'products.0.name',
        'products.0.rate',
        'products.0.tax',
        'sendOrderBy',
        'submitPayment.via',
        'typo',
      ].sort(),
    );
  });

  it('never echoes personal values in messages', () => {
    const request = requestWith((r) => {
      customer(r).email = 'kari.nordmann@';
      customer(r).name = '';
      customer(r).msisdn = '+47 465 67 468';
      customer(r).personalNumber = '0101701234';
      address(r).country = 'Kari-land';
    });
    const messages = errorsOf(request).map((error) => error.message);
    expect(messages).toHaveLength(5);
    for (const personal of ['kari', '465', '0101701234', 'Kari-land']) {
      expect(messages.join('\n')).not.toContain(personal);
    }
  });
});
