import http from 'node:http';
import https from 'node:https';
import type { ChecksumFormula } from '#shared/front-payment/callback-checksum';
import { signedCallbackUrl } from './callback-url.ts';
import { paymentMethodLabel, statusWord } from './quirks.ts';
import type { StatusChange } from './reservation-store.ts';
import type { SandboxCallback, SandboxQuirks } from './types.ts';

export interface CallbackSenderOptions {
  readonly secret: string;
  readonly formula: ChecksumFormula;
  /** Read at each send, so quirks changed at run time apply to the next callback. */
  readonly quirks: () => SandboxQuirks;
  readonly timeoutMs: number;
  readonly record: (callback: SandboxCallback) => void;
}

/**
 * Sends Front Payment's notifications: HTTP GET to the reservation's callbackUrl with
 * `orderUuid, status, createdAt, paymentMethod, amount, timestamp, checksum`, in that order.
 * As documented, `createdAt` is when the order was created and `amount` the order's total, the
 * same on every callback of a reservation; `timestamp` is the moment of sending. With the
 * `perChangeAmounts` quirk, `createdAt` and `amount` are the change's own time and amount.
 * With `reverseCallbackOrder` the changes of a reservation are held until `flush` sends them
 * newest first.
 */
export class CallbackSender {
  readonly #options: CallbackSenderOptions;
  readonly #held = new Map<string, StatusChange[]>();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(options: CallbackSenderOptions) {
    this.#options = options;
  }

  /** Sends (or holds) the callback of a change; resolves once the receiver answered. */
  notify(change: StatusChange): Promise<readonly SandboxCallback[]> {
    if (change.callbackUrl === undefined) return Promise.resolve([]);
    const quirks = this.#options.quirks();
    if (quirks.reverseCallbackOrder || quirks.dropCallbacks) {
      const held = this.#held.get(change.reservationUuid) ?? [];
      held.push(change);
      this.#held.set(change.reservationUuid, held);
      return Promise.resolve([]);
    }
    return this.#track(this.#send(change));
  }

  /** Sends the held callbacks of a reservation, newest first, one after another. */
  flush(reservationUuid: string): Promise<readonly SandboxCallback[]> {
    const held = this.#held.get(reservationUuid) ?? [];
    this.#held.delete(reservationUuid);
    return this.#track(
      (async () => {
        const sent: SandboxCallback[] = [];
        for (const change of held.reverse()) sent.push(...(await this.#send(change)));
        return sent;
      })(),
    );
  }

  heldCount(reservationUuid: string): number {
    return this.#held.get(reservationUuid)?.length ?? 0;
  }

  /** Resolves once every callback in flight completed. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  discardHeld(): void {
    this.#held.clear();
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work)).catch(() => {});
    return work;
  }

  async #send(change: StatusChange): Promise<SandboxCallback[]> {
    const quirks = this.#options.quirks();
    const status = statusWord(change.status, quirks, 'callback');
    const perChange = quirks.perChangeAmounts;
    const url = signedCallbackUrl(
      change.callbackUrl ?? '',
      [
        ['orderUuid', change.reservationUuid],
        ['status', status],
        ['createdAt', String(unixSeconds(perChange ? change.at : change.orderCreatedAt))],
        ['paymentMethod', paymentMethodLabel(change.paymentMethod)],
        ['amount', String(perChange ? change.amount : change.orderTotal)],
        ['timestamp', String(unixSeconds(new Date()))],
      ],
      this.#options.secret,
      this.#options.formula,
    );
    const sent: SandboxCallback[] = [];
    // A duplicate is the identical request again, as a sender that retries would make it.
    for (let attempt = quirks.duplicateCallbacks ? 2 : 1; attempt > 0; attempt -= 1) {
      const sentAt = new Date().toISOString();
      const outcome = await httpGet(url, this.#options.timeoutMs);
      const callback: SandboxCallback = {
        url,
        statusCode: outcome.statusCode,
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
        sentAt,
        reservationUuid: change.reservationUuid,
        status,
      };
      this.#options.record(callback);
      sent.push(callback);
    }
    return sent;
  }
}

function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

interface GetOutcome {
  readonly statusCode: number | undefined;
  readonly error?: string;
}

/** One GET on a fresh connection (no keep-alive, so receivers can close promptly). */
function httpGet(url: string, timeoutMs: number): Promise<GetOutcome> {
  return new Promise((resolve) => {
    const client = url.startsWith('https:') ? https : http;
    const request = client.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      response.once('end', () => resolve({ statusCode: response.statusCode }));
      response.once('error', (error) =>
        resolve({ statusCode: response.statusCode, error: error.message }),
      );
    });
    request.once('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.once('error', (error) => resolve({ statusCode: undefined, error: error.message }));
  });
}
