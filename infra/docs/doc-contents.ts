import { PROBLEM_CODES, PROBLEM_TYPES } from '#shared/http/problem-types';
import { LOCAL_DEFAULTS } from '../local/local-defaults.ts';
import { constructProps, type PropDoc } from './construct-props.ts';
import { counted, markdownTable } from './generated-regions.ts';
import { PATH_CALLS, pathCallsTables } from './path-calls.ts';
import { PROBLEM_DOCS } from './problem-docs.ts';
import { count, type StackFacts } from './stack-facts.ts';

/** CloudWatch's monthly list prices the cost section assumes (eu-north-1, to verify). */
const ALARM_MONTH_USD = 0.1;
const CUSTOM_METRIC_MONTH_USD = 0.3;
const SECRET_MONTH_USD = 0.4;

const AUTHORIZATION: Record<string, string> = {
  AWS_IAM: 'IAM (SigV4)',
  JWT: 'JWT',
  NONE: 'none: checksum verified by the function',
};

/** The content of every generated region, by name (see generated-regions.ts). */
export function docContents(facts: StackFacts, props: readonly PropDoc[] = constructProps()) {
  const usd = (amount: number) => `$${amount.toFixed(2)}`;
  const alarms = count(facts, 'AWS::CloudWatch::Alarm');
  const secrets = count(facts, 'AWS::SecretsManager::Secret');
  return {
    'alarm-count': counted(alarms, 'alarm'),
    'function-count': counted(count(facts, 'AWS::Lambda::Function'), 'Lambda function'),
    'bundle-count': counted(count(facts, 'AWS::Lambda::Function'), 'bundle'),
    'table-count': counted(count(facts, 'AWS::DynamoDB::Table'), 'DynamoDB table'),
    'secret-count': counted(secrets, 'secret'),
    'log-group-count': counted(count(facts, 'AWS::Logs::LogGroup'), 'log group'),
    'route-count': counted(count(facts, 'AWS::ApiGatewayV2::Route'), 'route'),
    'reservation-commands-route-count': counted(
      facts.routes.filter((route) => route.functionName === 'reservation-commands').length,
      'route',
    ),
    'lambda-permission-count': counted(
      count(facts, 'AWS::Lambda::Permission'),
      '`AWS::Lambda::Permission` resource',
    ),
    'fixed-costs': [
      `${counted(secrets, 'secret')} ${usd(secrets * SECRET_MONTH_USD)}`,
      `${counted(alarms, 'alarm')} ${usd(alarms * ALARM_MONTH_USD)}`,
      `${counted(facts.customMetrics.length, 'log metric')} ${usd(facts.customMetrics.length * CUSTOM_METRIC_MONTH_USD)}`,
    ].join(', '),
    routes: markdownTable(
      ['route', 'function', 'authorization', 'throttling'],
      facts.routes.map((route) => [
        `\`${route.routeKey}\``,
        `\`${route.functionName}\``,
        AUTHORIZATION[route.authorization] ?? route.authorization,
        route.throttle,
      ]),
    ),
    functions: markdownTable(
      ['function', 'what it does', 'schedule'],
      facts.functions.map((fn) => [`\`${fn.name}\``, fn.description, fn.schedule ?? '']),
    ),
    outputs: markdownTable(
      ['output', 'what it is'],
      facts.outputs.map((output) => [`\`${output.name}\``, output.description]),
    ),
    alarms: markdownTable(
      ['alarm', 'metric', 'fires when', 'missing data', 'description'],
      facts.alarms.map((alarm) => [
        `\`${alarm.name}\``,
        alarm.metric,
        alarm.condition,
        alarm.missingData,
        alarm.description,
      ]),
    ),
    props: markdownTable(
      ['prop', 'type', 'default', 'meaning'],
      props.map((prop) => [
        `\`${prop.name}\``,
        `\`${prop.type}\``,
        prop.defaultValue,
        prop.description,
      ]),
    ),
    'local-parts': localParts(facts),
    'create-calls': pathCallsTables(PATH_CALLS.create),
    'command-calls': pathCallsTables(PATH_CALLS.commands),
    'callback-calls': pathCallsTables(PATH_CALLS.callback),
    'problem-codes': problemCodes(),
  };
}

export type DocContents = ReturnType<typeof docContents>;

/** docs/errors.md: every problem code of the merchant API, from the list the answers are built from. */
function problemCodes(): string {
  return markdownTable(
    ['code', 'status', 'retry?', 'when', 'what to do'],
    PROBLEM_CODES.map((code) => [
      `\`${code}\``,
      PROBLEM_TYPES[code].statuses.join(', '),
      PROBLEM_TYPES[code].retryable ? 'yes, same key' : 'no',
      PROBLEM_DOCS[code].when,
      PROBLEM_DOCS[code].whatToDo,
    ]),
  );
}

/** docs/local.md's "What runs": the local parts, then every function and how it is triggered. */
function localParts(facts: StackFacts): string {
  const url = (port: number) => `\`http://${LOCAL_DEFAULTS.host}:${port}\``;
  const routesOf = (name: string) =>
    facts.routes
      .filter((route) => route.functionName === name)
      .map((route) => `\`${route.routeKey}\``);
  const localSchedules: Record<string, number> = {
    'publish-pending': LOCAL_DEFAULTS.publishPendingIntervalMs,
    reconcile: LOCAL_DEFAULTS.reconcileIntervalMs,
  };
  const functionRows = facts.functions.map((fn) => {
    const routes = routesOf(fn.name);
    const localMs = localSchedules[fn.name];
    const trigger =
      routes.length > 0
        ? routes.join(', ')
        : `every ${(localMs ?? 0) / 1000} s (in AWS: \`${fn.schedule}\`)`;
    return [
      `\`${fn.name}\` function`,
      routes.length > 0 ? '(behind the API)' : '(schedule)',
      `${fn.description}. Locally: ${trigger}.`,
    ];
  });
  return markdownTable(
    ['Part', 'Default URL', 'What it is'],
    [
      [
        'API',
        url(LOCAL_DEFAULTS.port),
        "A local API Gateway (HTTP API) with the routes of the CDK stack: each request becomes a payload 2.0 event for the real handler (raw query string kept as sent, lower-case headers, `cookies`, base64 bodies for non-text, a Lambda context whose remaining time counts down from the function's timeout). A throw or a timeout is a 500, as in AWS.",
      ],
      ...functionRows,
      [
        'Console',
        `\`http://${LOCAL_DEFAULTS.host}:${LOCAL_DEFAULTS.port}/_local/\``,
        "Reservations with their status history, the customer's card and declined payments, and commands; the events published; a request log (API calls with masked bodies, events with their detail); the reconciler's last run; live.",
      ],
      [
        'Front Payment sandbox',
        url(LOCAL_DEFAULTS.sandboxPort),
        "Front Payment's Connect API (`reservations/create`, `details`, `history`, `capture`, `charge`, `refund`, `complete`, `resend`, `cancel`) validating like Front Payment, its checkout page, signed callbacks.",
      ],
      [
        'EventBridge',
        url(LOCAL_DEFAULTS.eventBridgePort),
        'Answers `PutEvents` from the AWS SDK, keeps what it received and delivers it to `FORWARD_EVENTS_TO` (see "Events to your consumers").',
      ],
      [
        'DynamoDB Local',
        url(LOCAL_DEFAULTS.dynamoDbPort),
        "Amazon's DynamoDB Local, tables created from `shared/reservations/table-design.ts` (the same keys, indexes and TTL as the CDK stack).",
      ],
    ],
  );
}
