/**
 * A handler with no SDK client at all: what a cold import costs before any library. `npm run
 * bench` subtracts it to give each bundle's import CPU per KiB of code (see docs/testing.md).
 */
export const handler = async () => ({ statusCode: 200, body: 'ok' });
