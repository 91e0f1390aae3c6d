import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What happens to the one request a rule catches. */
export type DynamoDbFault =
  /** DynamoDB applies the write, but its answer never arrives (the SDK gives up). */
  | { readonly kind: 'answer-lost' }
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
 * request whose JSON contains all of its strings, once. A middleware of the SDK's own stack, so
 * the request is the real one, sent to DynamoDB Local (or not) as the fault says.
 */
export function dynamoDbFaults(client: DynamoDBClient) {
  const rules: Rule[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const text = JSON.stringify(args.input);
      const rule = rules.find((each) => each.contains.every((part) => text.includes(part)));
      if (!rule) return next(args);
      rules.splice(rules.indexOf(rule), 1);
      rule.caught();
      switch (rule.fault.kind) {
        case 'answer-lost':
          await next(args);
          throw timeoutError();
        case 'fail':
          throw timeoutError();
        case 'pause':
          await rule.fault.until;
          return next(args);
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
