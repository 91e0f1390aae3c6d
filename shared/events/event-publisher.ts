import {
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { backoffMs, sleep } from '../backoff.ts';
import { STATUS_CHANGED_DETAIL_TYPE, type StatusChangedDetail } from './status-changed-event.ts';

/** The one call we make on `EventBridgeClient`; the real client satisfies it. */
export interface PutEventsSender {
  send(
    command: PutEventsCommand,
    options?: { readonly requestTimeout?: number },
  ): Promise<PutEventsCommandOutput>;
}

export interface EventPublisherOptions {
  readonly client: PutEventsSender;
  readonly eventBusName: string;
  readonly source: string;
  /** Tries per event, the first included. @default 4 */
  readonly maxAttempts?: number;
  /** Backoff before the second try; doubled for each further try, with jitter. @default 100 */
  readonly baseDelayMs?: number;
  /**
   * The client's own per-request timeout; a request is given less only when the caller's
   * `endBy` comes sooner. @default 2000
   */
  readonly requestTimeoutMs?: number;
}

/** An event EventBridge did not take; it stays in the outbox and is tried again later. */
export interface PublishFailure {
  readonly eventId: string;
  readonly errorCode: string;
  readonly errorMessage: string;
}

export interface PublishResult {
  /** Event ids EventBridge accepted, in the order given. */
  readonly published: readonly string[];
  readonly failed: readonly PublishFailure[];
}

export interface PublishOptions {
  /**
   * Epoch ms after which no request or backoff starts. A request already sent is never abandoned
   * because of it: EventBridge may have taken the events, and abandoning it would make us send
   * them again (a duplicate). Events not sent by then are `failed` (`DeadlineExceeded` when none
   * was tried). @default none
   */
  readonly deadline?: number;
  /**
   * Epoch ms by which every request must have ended (the caller's Lambda times out soon after):
   * requests get `min(requestTimeoutMs, endBy - now)`. Only this bound can cut a request short.
   * @default none
   */
  readonly endBy?: number;
}

export interface EventPublisher {
  /** Never throws for EventBridge's sake: every event ends up in `published` or `failed`. */
  publish(
    details: readonly StatusChangedDetail[],
    options?: PublishOptions,
  ): Promise<PublishResult>;
}

/** PutEvents limits: 10 entries and 256 KB per request. */
const MAX_ENTRIES_PER_REQUEST = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

interface Pending {
  readonly eventId: string;
  readonly entry: PutEventsRequestEntry;
  readonly size: number;
}

/**
 * Publishes status events with PutEvents. PutEvents can answer 200 and still reject some entries
 * (`FailedEntryCount`), so each entry's result is checked and only the failed ones are sent again,
 * a bounded number of times with backoff.
 */
export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const requestTimeoutMs = options.requestTimeoutMs ?? 2_000;

  return {
    async publish(
      details,
      { deadline = Number.POSITIVE_INFINITY, endBy = Number.POSITIVE_INFINITY } = {},
    ) {
      const published = new Set<string>();
      const lastFailure = new Map<string, PublishFailure>();
      let pending = details.map((detail) => pendingEntry(detail, options));

      const tooLarge = pending.filter((item) => item.size > MAX_REQUEST_BYTES);
      for (const item of tooLarge) {
        lastFailure.set(item.eventId, {
          eventId: item.eventId,
          errorCode: 'EntryTooLarge',
          errorMessage: `The event is ${item.size} bytes; PutEvents takes at most ${MAX_REQUEST_BYTES}`,
        });
      }
      pending = pending.filter((item) => item.size <= MAX_REQUEST_BYTES);

      for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt += 1) {
        if (attempt > 1) {
          const delay = backoffMs(attempt, { baseMs: baseDelayMs });
          if (Date.now() + delay >= deadline) break;
          await sleep(delay);
        }
        const retry: Pending[] = [];
        for (const batch of batchesOf(pending)) {
          const timeoutMs = Math.min(requestTimeoutMs, endBy - Date.now());
          if (Date.now() >= deadline || timeoutMs <= 0) {
            // Out of time: an event tried before keeps the failure it got then.
            const untried = batch.filter((item) => !lastFailure.has(item.eventId));
            for (const item of untried) lastFailure.set(item.eventId, deadlineExceeded(item));
            continue;
          }
          const outcome = await sendBatch(options.client, batch, timeoutMs);
          for (const [index, item] of batch.entries()) {
            const failure = outcome.failures[index];
            if (!failure) {
              published.add(item.eventId);
              lastFailure.delete(item.eventId);
              continue;
            }
            lastFailure.set(item.eventId, { eventId: item.eventId, ...failure });
            if (outcome.retryable) retry.push(item);
          }
        }
        pending = retry;
      }

      return {
        published: details.map((detail) => detail.eventId).filter((id) => published.has(id)),
        failed: [...lastFailure.values()],
      };
    },
  };
}

function pendingEntry(detail: StatusChangedDetail, options: EventPublisherOptions): Pending {
  // No `Time`: EventBridge stamps the publication time; `detail.occurredAt` is the change's time.
  const entry: PutEventsRequestEntry = {
    EventBusName: options.eventBusName,
    Source: options.source,
    DetailType: STATUS_CHANGED_DETAIL_TYPE,
    Detail: JSON.stringify(detail),
  };
  return { eventId: detail.eventId, entry, size: entrySize(entry) };
}

/** EventBridge's documented entry size: UTF-8 bytes of Source, DetailType, Detail, Resources. */
function entrySize(entry: PutEventsRequestEntry): number {
  const texts = [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])];
  return texts.reduce((total, text) => total + Buffer.byteLength(text ?? '', 'utf8'), 0);
}

function deadlineExceeded(item: Pending): PublishFailure {
  return {
    eventId: item.eventId,
    errorCode: 'DeadlineExceeded',
    errorMessage: 'No time was left to send the event; it stays pending',
  };
}

function* batchesOf(items: readonly Pending[]): Generator<Pending[]> {
  let batch: Pending[] = [];
  let bytes = 0;
  for (const item of items) {
    if (batch.length === MAX_ENTRIES_PER_REQUEST || bytes + item.size > MAX_REQUEST_BYTES) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += item.size;
  }
  if (batch.length > 0) yield batch;
}

interface BatchOutcome {
  /** One slot per entry: undefined when accepted. */
  readonly failures: readonly (Omit<PublishFailure, 'eventId'> | undefined)[];
  readonly retryable: boolean;
}

async function sendBatch(
  client: PutEventsSender,
  batch: readonly Pending[],
  timeoutMs: number,
): Promise<BatchOutcome> {
  let output: PutEventsCommandOutput;
  try {
    const command = new PutEventsCommand({ Entries: batch.map((item) => item.entry) });
    output = await client.send(command, { requestTimeout: timeoutMs });
  } catch (error) {
    // The SDK has already retried 5xx and throttling; a client fault (400) will not heal by itself.
    const failure = {
      errorCode: error instanceof Error ? error.name : 'UnknownError',
      errorMessage: error instanceof Error ? error.message : String(error),
    };
    return { failures: batch.map(() => failure), retryable: !isClientFault(error) };
  }
  // Result entries come back in request order; a missing or id-less one counts as failed.
  const failures = batch.map((_, index) => {
    const result = output.Entries?.[index];
    if (result?.EventId && !result.ErrorCode) return undefined;
    return {
      errorCode: result?.ErrorCode ?? 'MissingResultEntry',
      errorMessage: result?.ErrorMessage ?? 'EventBridge returned no event id for this entry',
    };
  });
  return { failures, retryable: true };
}

/** A 400 such as ValidationException or AccessDenied; throttling is worth another try. */
function isClientFault(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('$fault' in error)) return false;
  const name = error instanceof Error ? error.name : '';
  return error.$fault === 'client' && !/throttl/i.test(name);
}
