import {
  type ConversionConfig,
  type JsonSchema,
  type OverrideSchemaContext,
  toJsonSchema,
  toJsonSchemaDefs,
} from '@valibot/to-json-schema';
import type * as v from 'valibot';
import {
  DECIMAL,
  DEFAULT_ALLOWED_TAX_RATES,
  isDecimal,
  isFiniteNumber,
  isProductCollection,
  isProductCollectionOfNumbers,
  isValidityMinutes,
  NUMBERS_ONLY,
  NUMBERS_OR_DECIMAL_STRINGS,
  type NumberSpelling,
  productSchemaOf,
} from '#shared/reservations/reservation-schema';

/** An array of products, or the same keyed "0", "1", …. The tax rates are a check, left out. */
function productCollection(spelling: NumberSpelling, typeMode: 'input' | 'output'): JsonSchema {
  const { $schema: _nested, ...product } = toJsonSchema(
    productSchemaOf(DEFAULT_ALLOWED_TAX_RATES, spelling),
    conversionConfig(typeMode),
  );
  return {
    anyOf: [
      { type: 'array', items: product, minItems: 1 },
      {
        type: 'object',
        propertyNames: { pattern: '^(0|[1-9]\\d*)$' },
        additionalProperties: product,
        minProperties: 1,
      },
    ],
  };
}

/** Where the document keeps named schemas; `$ref`s point there. */
export const COMPONENT_SCHEMAS = '#/components/schemas/';

/**
 * The converter's settings for the OpenAPI document. JSON Schema draft 2020-12 is OpenAPI 3.1's
 * own dialect, so every generated schema is used as is. Requests are described as a caller sends
 * them (`input`: before valibot's transforms), answers as the handlers send them (`output`).
 * Custom checks (`v.check`, cross-field rules) have no JSON Schema form: they are left out, and
 * the handler still applies them (a 400 naming the field).
 */
function conversionConfig(typeMode: 'input' | 'output'): ConversionConfig {
  return {
    target: 'draft-2020-12',
    typeMode,
    ignoreActions: ['check', 'partial_check', 'forward'],
    overrideRef: ({ referenceId }) => `${COMPONENT_SCHEMAS}${referenceId}`,
    overrideSchema: (context) => customSchemaOf(context, typeMode),
  };
}

/** A request body, a query or a path parameter, as the caller sends it. */
export function requestJsonSchema(schema: v.GenericSchema): JsonSchema {
  return toJsonSchema(schema, conversionConfig('input'));
}

/** Named schemas of answers, as the handlers send them; each refers to the others by name. */
export function answerJsonSchemas(
  definitions: Readonly<Record<string, v.GenericSchema>>,
): Record<string, JsonSchema> {
  return toJsonSchemaDefs({ ...definitions }, conversionConfig('output'));
}

/**
 * What a `v.custom` schema accepts, said in JSON Schema. Each custom schema of the request
 * schemas is known by its predicate; an unknown one fails the generation (the converter throws; never a silent `{}`).
 */
function customSchemaOf(
  context: OverrideSchemaContext,
  typeMode: 'input' | 'output',
): JsonSchema | undefined {
  const schema = context.valibotSchema as v.GenericSchema & { readonly check?: unknown };
  if (schema.type !== 'custom') return undefined;
  if (schema.check === isFiniteNumber) return { type: 'number' };
  if (schema.check === isDecimal) {
    return { anyOf: [{ type: 'number' }, { type: 'string', pattern: DECIMAL.source }] };
  }
  if (schema.check === isValidityMinutes) {
    return {
      anyOf: [
        { type: 'string', pattern: '^\\d*$' },
        { type: 'integer', minimum: 0 },
      ],
    };
  }
  if (schema.check === isProductCollection)
    return productCollection(NUMBERS_OR_DECIMAL_STRINGS, typeMode);
  if (schema.check === isProductCollectionOfNumbers)
    return productCollection(NUMBERS_ONLY, typeMode);
  return undefined;
}
