import { type SecretSource, secretSourceFromEnvironment } from './secret-source.ts';

/**
 * The settings several functions share, read from the environment fragments of
 * `parse-environment.ts` (`tableEnvironment`, `eventBusEnvironment`, `frontPaymentEnvironment`),
 * so each function's config states only what is its own.
 */
export interface TableSettings {
  readonly reservationsTableName: string;
}

export interface StatusEventSettings {
  readonly eventBusName: string;
  readonly eventSource: string;
}

export interface FrontPaymentSettings {
  readonly frontPaymentBaseUrl: string;
  readonly frontPaymentToken: SecretSource;
  readonly frontPaymentTimeoutMs: number;
}

export function tableSettings(parsed: { readonly RESERVATIONS_TABLE_NAME: string }): TableSettings {
  return { reservationsTableName: parsed.RESERVATIONS_TABLE_NAME };
}

export function statusEventSettings(parsed: {
  readonly EVENT_BUS_NAME: string;
  readonly EVENT_SOURCE: string;
}): StatusEventSettings {
  return { eventBusName: parsed.EVENT_BUS_NAME, eventSource: parsed.EVENT_SOURCE };
}

export function frontPaymentSettings(
  parsed: { readonly FRONT_PAYMENT_BASE_URL: string; readonly FRONT_PAYMENT_TIMEOUT_MS: number },
  environment: Record<string, string | undefined>,
): FrontPaymentSettings {
  return {
    frontPaymentBaseUrl: parsed.FRONT_PAYMENT_BASE_URL,
    frontPaymentToken: secretSourceFromEnvironment('FRONT_PAYMENT_TOKEN', environment),
    frontPaymentTimeoutMs: parsed.FRONT_PAYMENT_TIMEOUT_MS,
  };
}
