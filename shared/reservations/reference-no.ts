/**
 * The longest `referenceNo` create accepts and a lookup takes: the value is a key of the
 * by-reference-no index, and DynamoDB takes at most 2048 bytes there.
 */
export const MAX_REFERENCE_NO_LENGTH = 255;
