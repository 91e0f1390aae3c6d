import { describe, expect, it } from 'vitest';
import { DEFAULT_API_URL, demoCommand } from '../../infra/local/demo-command.ts';

describe('demoCommand', () => {
  it('is plain `npm run demo` for the default API URL', () => {
    expect(DEFAULT_API_URL).toBe('http://127.0.0.1:3000');
    expect(demoCommand('http://127.0.0.1:3000')).toBe('npm run demo');
  });

  it('sets API_URL for a stack on another port', () => {
    expect(demoCommand('http://127.0.0.1:3400')).toBe('API_URL=http://127.0.0.1:3400 npm run demo');
  });
});
