import { LOCAL_DEFAULTS } from './local-defaults.ts';

/** Where `npm run demo` looks for the API when API_URL is not set. */
export const DEFAULT_API_URL = `http://${LOCAL_DEFAULTS.host}:${LOCAL_DEFAULTS.port}`;

/** The `npm run demo` command line that reaches the API at `apiUrl`. */
export function demoCommand(apiUrl: string): string {
  return apiUrl === DEFAULT_API_URL ? 'npm run demo' : `API_URL=${apiUrl} npm run demo`;
}
