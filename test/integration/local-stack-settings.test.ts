import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, readLocalSettings } from '../../infra/local/local-settings.ts';
import { ConfigurationError } from '../../shared/errors.ts';

describe("npm start's flags and variables", () => {
  it('needs nothing: no variable gives the documented defaults (in memory, sandbox, default secrets)', () => {
    const settings = readLocalSettings([], {});

    expect(settings.options).toEqual({});
    expect(settings.defaultedSecrets).toEqual([
      'FRONT_PAYMENT_TOKEN',
      'FRONT_PAYMENT_CALLBACK_SECRET',
    ]);
    expect(settings.quirkNames).toEqual([]);
  });

  it('reads ports, secrets, the tunnel URL and the sweeper interval', () => {
    const { options, defaultedSecrets } = readLocalSettings([], {
      PORT: '3001',
      DYNAMODB_PORT: '0',
      EVENTBRIDGE_PORT: '4011',
      SANDBOX_PORT: '4021',
      FRONT_PAYMENT_TOKEN: 'token-x',
      FRONT_PAYMENT_CALLBACK_SECRET: 'secret-x',
      CALLBACK_BASE_URL: 'https://example.trycloudflare.com/',
      CALLBACK_CHECKSUM_FORMULA: 'order-status-created',
      PUBLISH_PENDING_INTERVAL_SECONDS: '60',
      FRONT_PAYMENT_CALLBACK_SECRET_NEXT: 'next-secret-x',
    });

    expect(options).toEqual({
      port: 3001,
      dynamoDbPort: 0,
      eventBridgePort: 4011,
      sandboxPort: 4021,
      frontPaymentToken: 'token-x',
      callbackSecret: 'secret-x',
      callbackBaseUrl: 'https://example.trycloudflare.com',
      checksumFormula: 'order-status-created',
      publishPendingIntervalMs: 60_000,
      functionEnvironment: { FRONT_PAYMENT_CALLBACK_SECRET_NEXT: 'next-secret-x' },
    });
    expect(defaultedSecrets).toEqual([]);
  });

  it('keeps data on disk with --persist or LOCAL_DATA_DIR', () => {
    expect(readLocalSettings(['--persist'], {}).options.dataPath).toBe(DEFAULT_DATA_DIR);
    expect(readLocalSettings([], { LOCAL_DATA_DIR: '/tmp/fp-data' }).options.dataPath).toBe(
      '/tmp/fp-data',
    );
  });

  it('turns SANDBOX_QUIRKS names into sandbox options', () => {
    const settings = readLocalSettings([], {
      SANDBOX_QUIRKS:
        'misspell-reserved, duplicate-callbacks,capitalized-status,per-change-amounts',
    });

    expect(settings.quirkNames).toEqual([
      'misspell-reserved',
      'duplicate-callbacks',
      'capitalized-status',
      'per-change-amounts',
    ]);
    expect(settings.options.sandboxQuirks).toEqual({
      perChangeAmounts: true,
      misspellReserved: true,
      duplicateCallbacks: true,
      statusCase: 'capitalized',
    });
  });

  it.each([
    [{ PORT: 'three thousand' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ SANDBOX_QUIRKS: 'misspell-reserved,slow' }, 'SANDBOX_QUIRKS: unknown slow'],
    [{ CALLBACK_CHECKSUM_FORMULA: 'md5' }, 'CALLBACK_CHECKSUM_FORMULA'],
    [{ FRONT_PAYMENT_BASE_URL: 'https://demo-api.frontpayment.no' }, 'needs FRONT_PAYMENT_TOKEN'],
  ])('refuses %o, naming %s', (environment, named) => {
    expect(() => readLocalSettings([], environment)).toThrow(ConfigurationError);
    expect(() => readLocalSettings([], environment)).toThrow(named);
  });

  it('reads FORWARD_EVENTS_TO, --forward-to and FORWARD_EVENTS_PATTERN; refuses a pattern it cannot match', () => {
    const { options } = readLocalSettings(['--forward-to=./consumer.ts#onEvent'], {
      FORWARD_EVENTS_TO: 'http://127.0.0.1:5000/hook, ./other.ts',
      FORWARD_EVENTS_PATTERN: '{"detail":{"status":["CAPTURED"]}}',
    });

    expect(options).toEqual({
      forwardEventsTo: ['http://127.0.0.1:5000/hook', './other.ts', './consumer.ts#onEvent'],
      forwardEventsPattern: { detail: { status: ['CAPTURED'] } },
    });
    expect(() => readLocalSettings([], { FORWARD_EVENTS_PATTERN: '{detail' })).toThrow(
      'FORWARD_EVENTS_PATTERN must be JSON',
    );
    expect(() =>
      readLocalSettings([], {
        FORWARD_EVENTS_PATTERN: '{"detail":{"amount":[{"numeric":[">",1]}]}}',
      }),
    ).toThrow('FORWARD_EVENTS_PATTERN.detail.amount: {"numeric":[">",1]} is not supported locally');
  });

  it('refuses an unknown flag', () => {
    expect(() => readLocalSettings(['--presist'], {})).toThrow('Unknown option --presist');
  });
});
