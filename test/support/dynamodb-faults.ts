import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What happens to the one request a rule catches. */
export type DynamoDbFault =
  /** DynamoDB applies the write, but its answer never arrives (the SDK gives up). */
  | { readonly kind: 'answer-lost' }
  /**
   * DynamoDB applies the write, and its answer is lost below the SDK's retry middleware (a timeout
   * of the try, as the SDK's own request handler throws it): the SDK sends the same request again
   * by itself, and our code sees only what the retry got.
   */
  | { readonly kind: 'answer-lost-sdk-retries' }
  /** The request fails before DynamoDB sees it. */
  | { readonly kind: 'fail' }
  /** The request waits until `until` resolves, then goes through. */
  | { readonly kind: 'pause'; readonly until: Promise<unknown> };

interface Rule {
  /** Every string must appear in the request (its JSON), e.g. a key and a state. */
  readonly contains: readonly string[];
  readonly fault: DynamoDbFault;
  /** Resolves when the rule caught its request. */
  readonly caught: () => void;
}

/**
 * Faults for the real SDK client the functions use, in this process: a rule catches the next
 * request whose JSON contains all of its strings, once. Middlewares of the SDK's own stack, so
 * the request is the real one, sent to DynamoDB Local (or not) as the fault says: most faults act
 * at `initialize`, above the SDK's retry middleware, so our code sees them as they are; an
 * `answer-lost-sdk-retries` acts at `deserialize`, below it (the retry middleware sits in
 * `finalizeRequest`), so the SDK's retry strategy sees the lost answer and retries.
 */
export function dynamoDbFaults(client: DynamoDBClient) {
  const rules: Rule[] = [];
  /** Takes the next rule for this request and layer (above or below the retries) out of the list. */
  const ruleFor = (input: unknown, belowRetries: boolean) => {
    const text = JSON.stringify(input);
    const rule = rules.find(
      (each) =>
        (each.fault.kind === 'answer-lost-sdk-retries') === belowRetries &&
        each.contains.every((part) => text.includes(part)),
    );
    if (rule) {
      rules.splice(rules.indexOf(rule), 1);
      rule.caught();
    }
    return rule;
  };
  client.middlewareStack.add(
    (next) => async (args) => {
      const rule = ruleFor(args.input, true);
      if (!rule) return next(args);
      // Only the first try: DynamoDB answers, the answer is dropped, the SDK's retry goes through.
      await next(args);
      throw timeoutError();
    },
    { step: 'deserialize', name: 'testDynamoDbFaultsBelowRetries', override: true },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      const rule = ruleFor(args.input, false);
      if (!rule) return next(args);
      switch (rule.fault.kind) {
        case 'answer-lost':
          await next(args);
          throw timeoutError();
        case 'fail':
          throw timeoutError();
        case 'pause':
          await rule.fault.until;
          return next(args);
        case 'answer-lost-sdk-retries':
          throw new Error('caught below the retries only');
      }
    },
    { step: 'initialize', name: 'testDynamoDbFaults', override: true },
  );
  return {
    /** The next request containing every string of `contains` gets `fault`; resolves when it did. */
    inject(contains: readonly string[], fault: DynamoDbFault): Promise<void> {
      return new Promise((caught) => {
        rules.push({ contains, fault, caught });
      });
    },
    clear(): void {
      rules.length = 0;
    },
  };
}

/** What the SDK throws when DynamoDB does not answer in time. */
function timeoutError(): Error {
  const error = new Error('Connection timed out after 3000 ms (injected)');
  error.name = 'TimeoutError';
  return error;
}
