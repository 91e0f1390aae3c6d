/** What a masked value reads as. */
export const MASKED = '***';

/** Personal data wherever it appears: a resend's `email`/`msisdn`, the customer's fields. */
const PERSONAL_KEYS = new Set(['email', 'msisdn', 'phone', 'personalNumber', 'address']);
/** Under `customerDetails` only: a product's `name` is not personal, the customer's is. */
const CUSTOMER_KEYS = new Set(['name']);

/**
 * A copy of a parsed JSON value with personal data (name, email, phone, personal number, address)
 * replaced by `MASKED`: what the local console may show of a request or answer body.
 */
export function maskPersonalData(value: unknown, inCustomer = false): unknown {
  if (Array.isArray(value)) return value.map((item) => maskPersonalData(item, inCustomer));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      PERSONAL_KEYS.has(key) || (inCustomer && CUSTOMER_KEYS.has(key))
        ? maskedValue(field)
        : maskPersonalData(field, inCustomer || key === 'customerDetails'),
    ]),
  );
}

/** null stays null (the field was not given); anything else, an address object too, is masked. */
function maskedValue(field: unknown): unknown {
  return field === null || field === undefined ? field : MASKED;
}
