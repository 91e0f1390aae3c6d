import * as v from 'valibot';
import { InputValidationError } from '../errors.ts';
import {
  money,
  NUMBERS_ONLY,
  nonBlankText,
  productListOf,
  strict,
} from '../reservations/reservation-schema.ts';
import { toFieldErrors } from '../validation-issues.ts';
import { exactlyOneOf, notTogether, requiredUnless, requiredWith } from './cross-field-rules.ts';

/** The commands of `POST /reservations/{id}/{command}`, named as Front Payment names them. */
export const COMMANDS = ['capture', 'charge', 'cancel', 'complete', 'refund', 'resend'] as const;
export type CommandName = (typeof COMMANDS)[number];

export function isCommandName(value: string): value is CommandName {
  return (COMMANDS as readonly string[]).includes(value);
}

// Our own API: amounts are JSON numbers (NUMBERS_ONLY); `"100"` is refused like any other wrong type.

const positiveMoney = () =>
  v.pipe(
    money(NUMBERS_ONLY),
    v.check((amount) => amount > 0, 'must be more than 0'),
  );
const note = () => v.pipe(nonBlankText(), v.maxLength(500, 'must be at most 500 characters'));

/** A product line of the reservation: by Front Payment's line id or by its index in the order. */
const LineSchema = v.pipe(
  strict({
    productId: v.optional(
      v.pipe(nonBlankText(), v.maxLength(100, 'must be at most 100 characters')),
    ),
    index: v.optional(
      v.pipe(
        v.number('must be a number'),
        v.integer('must be an integer'),
        v.minValue(0, 'must not be negative'),
      ),
    ),
    amount: positiveMoney(),
  }),
  exactlyOneOf(
    'productId',
    'index',
    'give exactly one of productId and index to name the product line',
  ),
);
const linesOf = () =>
  v.pipe(v.array(LineSchema, 'must be an array of lines'), v.minLength(1, 'must not be empty'));

const CaptureSchema = v.pipe(
  strict({
    amount: v.optional(positiveMoney()),
    lines: v.optional(linesOf()),
    note: v.optional(note()),
  }),
  notTogether('amount', 'lines'),
);

const chargeSchema = (allowedTaxRates: readonly number[]) =>
  v.pipe(
    strict({
      products: productListOf(allowedTaxRates, NUMBERS_ONLY),
      grandTotal: positiveMoney(),
    }),
    v.forward(
      v.partialCheck(
        [['products'], ['grandTotal']],
        (body) =>
          Math.round(body.products.reduce((sum, product) => sum + product.amount, 0) * 100) ===
          Math.round(body.grandTotal * 100),
        'must be the sum of the products’ amounts',
      ),
      ['grandTotal'],
    ),
  );

const NoteSchema = strict({ note: note() });

const RefundSchema = v.pipe(
  strict({
    amount: v.optional(positiveMoney()),
    lines: v.optional(linesOf()),
    source: v.optional(v.picklist(['captured', 'charged'], 'must be "captured" or "charged"')),
    reference: v.optional(
      v.pipe(nonBlankText(), v.regex(/^(CAP|CHA)\w+$/, 'must be a CAP… or CHA… reference')),
    ),
  }),
  requiredUnless('amount', 'lines', 'is required unless lines are given'),
  notTogether('amount', 'lines'),
);

/** Contact data for the new payment link: passed to Front Payment, never stored or logged. */
const ResendSchema = v.pipe(
  strict({
    email: v.optional(
      v.pipe(v.string('must be a string'), v.email('must be a valid email address')),
    ),
    countryCode: v.optional(
      v.pipe(v.string('must be a string'), v.regex(/^\+\d{1,4}$/, 'must be "+" and 1 to 4 digits')),
    ),
    msisdn: v.optional(
      v.pipe(v.string('must be a string'), v.regex(/^\d{4,15}$/, 'must be 4 to 15 digits')),
    ),
  }),
  requiredWith('msisdn', 'countryCode'),
  requiredWith('countryCode', 'msisdn'),
  requiredUnless(
    'email',
    'msisdn',
    'is required, unless countryCode and msisdn are given to send the link to',
  ),
);

export type CaptureRequest = v.InferOutput<typeof CaptureSchema>;
export type ChargeRequest = v.InferOutput<ReturnType<typeof chargeSchema>>;
export type NoteRequest = v.InferOutput<typeof NoteSchema>;
export type RefundRequest = v.InferOutput<typeof RefundSchema>;
export type ResendRequest = v.InferOutput<typeof ResendSchema>;
export type CommandLine = v.InferOutput<typeof LineSchema>;

/** What a caller may send (amounts as numbers: `NUMBERS_ONLY` types them so): the typed client's bodies. */
export type CaptureInput = v.InferInput<typeof CaptureSchema>;
export type ChargeInput = v.InferInput<ReturnType<typeof chargeSchema>>;
export type NoteInput = v.InferInput<typeof NoteSchema>;
export type RefundInput = v.InferInput<typeof RefundSchema>;
export type ResendInput = v.InferInput<typeof ResendSchema>;

export type CommandRequest =
  | { readonly command: 'capture'; readonly body: CaptureRequest }
  | { readonly command: 'charge'; readonly body: ChargeRequest }
  | { readonly command: 'cancel' | 'complete'; readonly body: NoteRequest }
  | { readonly command: 'refund'; readonly body: RefundRequest }
  | { readonly command: 'resend'; readonly body: ResendRequest };

/**
 * Validates a command's JSON body; a 400 lists every field. Only an absent body reads as `{}`
 * ("everything left" for a capture): a literal `null` is a body that is not an object.
 */
export function parseCommandRequest(
  command: CommandName,
  body: unknown,
  allowedTaxRates: readonly number[],
): CommandRequest {
  const schema = commandRequestSchemaOf(command, allowedTaxRates);
  const result = v.safeParse(schema, body === undefined ? {} : body, {
    abortEarly: false,
    abortPipeEarly: false,
  });
  if (!result.success) {
    throw new InputValidationError(
      `The ${command} request is invalid`,
      toFieldErrors(result.issues),
    );
  }
  return { command, body: result.output } as CommandRequest;
}

/** The schema of a command's body (the OpenAPI document is generated from it too). */
export function commandRequestSchemaOf(
  command: CommandName,
  allowedTaxRates: readonly number[],
): v.GenericSchema {
  switch (command) {
    case 'capture':
      return CaptureSchema;
    case 'charge':
      return chargeSchema(allowedTaxRates);
    case 'cancel':
    case 'complete':
      return NoteSchema;
    case 'refund':
      return RefundSchema;
    case 'resend':
      return ResendSchema;
  }
}
