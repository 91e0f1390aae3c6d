/**
 * `npm start`: the whole product on this machine (see docs/local.md). A thin CLI over
 * `startLocalStack`: reads flags and variables, prints the URLs and a `curl`, stops everything
 * on Ctrl-C, SIGTERM, SIGHUP or when its parent (npm, the terminal) goes away.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import { IntegrationError } from '#shared/errors';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/status-changed-event';
import { CHECKSUM_FORMULAS } from '#shared/front-payment/callback-checksum';
import { demoCommand } from './demo-command.ts';
import { defaultForwardPattern } from './event-forwarding/default-forward-pattern.ts';
import type { EventDelivery } from './event-forwarding/event-forwarder.ts';
import type { AccessLogEntry } from './lambda-http-server.ts';
import { LOCAL_DEFAULTS } from './local-defaults.ts';
import { FUNCTION_TIMEOUTS_MS } from './local-functions.ts';
import {
  DEFAULT_DATA_DIR,
  type LocalSettings,
  readLocalSettings,
  SANDBOX_QUIRK_NAMES,
} from './local-settings.ts';
import { type RunningLocalStack, startLocalStack } from './local-stack.ts';
import { sampleCurl, sampleReservationRequest } from './sample-reservation.ts';
import { LocalStackStartupError } from './startup-errors.ts';

/** After this, a stop that hangs gives up and exits anyway (the orphan guard ends Java). */
const STOP_TIMEOUT_MS = 15_000;
/**
 * Ctrl-C reaches this process twice: from the terminal (the whole process group) and relayed by
 * npm. A repeat this soon is that echo, not a person pressing Ctrl-C again to force the exit.
 */
const SIGNAL_ECHO_MS = 1_000;

const out = (line = '') => process.stdout.write(`${line}\n`);
const err = (line = '') => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const startedAt = Date.now();
  quietNodeVersionWarning();
  let settings: LocalSettings;
  try {
    settings = readLocalSettings(process.argv.slice(2));
  } catch (error) {
    return fail(error);
  }
  if (settings.help) return printHelp();

  let stack: RunningLocalStack | undefined;
  let stopping = false;
  let stoppingSince = 0;
  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping && Date.now() - stoppingSince < SIGNAL_ECHO_MS) return;
    if (stopping) {
      err(`${reason} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    stoppingSince = Date.now();
    if (!stack) return; // Still starting: main() stops it once it is up.
    out(`\n${reason}: stopping…`);
    const timer = setTimeout(() => {
      err(`Stopping took over ${STOP_TIMEOUT_MS / 1000} s; exiting anyway.`);
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    try {
      await stack.stop();
      out('Stopped. Everything the stack started is down, DynamoDB Local included.');
    } catch (error) {
      err(`Stopping failed: ${error instanceof Error ? error.message : String(error)}`);
      exitCode = 1;
    }
    clearTimeout(timer);
    process.exit(exitCode);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void shutdown(`Received ${signal}`, 0));
  }
  watchParent(() => void shutdown('The parent process is gone', 1));
  // With the terminal or npm gone, writes fail with EPIPE: that must not cut the cleanup short.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  process.on('uncaughtException', (error) => {
    err(`Unexpected error: ${error.stack ?? error.message}`);
    void shutdown('Unexpected error', 1);
  });
  process.on('unhandledRejection', (reason) => {
    err(
      `Unexpected error: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
    void shutdown('Unexpected error', 1);
  });

  out('Starting the Front Payment reservations stack…');
  try {
    stack = await startLocalStack({
      ...settings.options,
      onRequest: printAccessLog,
      onDelivery: printDelivery,
      onScheduleError: (error) =>
        err(
          `publish-pending run failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
    });
  } catch (error) {
    return fail(error);
  }
  if (stopping) {
    stopping = false;
    return shutdown('Stopped during start', 0);
  }
  printBanner(stack, settings, Date.now() - startedAt);
}

function printBanner(stack: RunningLocalStack, settings: LocalSettings, elapsedMs: number): void {
  const { urls } = stack;
  const { options } = settings;
  const row = (label: string, value: string) => out(`  ${label.padEnd(16)}${value}`);
  const intervalMs = options.publishPendingIntervalMs ?? LOCAL_DEFAULTS.publishPendingIntervalMs;
  out();
  row(
    'API',
    `${urls.api}  (POST /reservations, /reservations/{id}[/capture…], GET /callbacks/front-payment/{id})`,
  );
  row('Console', urls.console);
  row('OpenAPI', `${urls.openApi}  (the merchant API's document, docs/api.md)`);
  if (urls.sandbox) {
    row('Front Payment', `${urls.sandbox}  (sandbox: checkout pages, control API /_sandbox/*)`);
  } else {
    row('Front Payment', `${urls.frontPayment}  (real environment, FRONT_PAYMENT_BASE_URL)`);
  }
  row('EventBridge', `${urls.eventBridge}  (local stand-in, received events at /_events)`);
  row(
    'DynamoDB Local',
    `${urls.dynamoDb}  (${stack.dataPath ? `data kept in ${shortPath(stack.dataPath)}` : 'in memory'})`,
  );
  row('Tables', `${stack.tableNames.reservations}; bus ${stack.eventBusName}`);
  const forwardTo = options.forwardEventsTo ?? [];
  row(
    'Events to',
    forwardTo.length > 0
      ? `${forwardTo.join(', ')}  (${options.forwardEventsPattern ? 'FORWARD_EVENTS_PATTERN' : "onStatus's pattern"})`
      : 'nobody (FORWARD_EVENTS_TO; `npm run fire` puts one on the bus)',
  );
  row('Callbacks to', `${urls.callbackBase}/callbacks/front-payment/{reservationId}`);
  if (urls.sandbox) {
    row(
      'Sandbox quirks',
      settings.quirkNames.length > 0 ? settings.quirkNames.join(', ') : 'none (SANDBOX_QUIRKS)',
    );
  }
  row('Sweeper', intervalMs > 0 ? `publish-pending every ${intervalMs / 1000} s` : 'off');
  const reconcileMs = options.reconcileIntervalMs ?? LOCAL_DEFAULTS.reconcileIntervalMs;
  row('Reconciler', reconcileMs > 0 ? `every ${reconcileMs / 1000} s (docs/reconciler.md)` : 'off');
  if (settings.defaultedSecrets.length > 0) {
    row(
      'Defaults',
      `${settings.defaultedSecrets.join(' and ')} not set: using the documented local values`,
    );
  }
  if (!urls.sandbox && urls.callbackBase === urls.api) {
    out();
    out('  Note: Front Payment cannot reach 127.0.0.1. Expose the API through a tunnel and set');
    out(
      '  CALLBACK_BASE_URL to its public URL (docs/local.md, "Talking to Front Payment\'s demo").',
    );
  }
  const body = sampleReservationRequest({ returnBaseUrl: urls.api });
  out();
  out(
    'Create a reservation (run it twice: the second answer is a replay, header idempotent-replayed):',
  );
  out();
  out(sampleCurl(urls.api, `local-${randomUUID().slice(0, 8)}`, body));
  out();
  out(
    `Open its paymentUrl to pay, watch ${urls.console}, or run \`${demoCommand(urls.api)}\` for the whole flow.`,
  );
  if (!stack.dataPath)
    out(`Data is in memory; \`npm start -- --persist\` keeps it in ${DEFAULT_DATA_DIR}.`);
  out(`Started in ${(elapsedMs / 1000).toFixed(1)} s. Stop with Ctrl-C.`);
  out();
  out('Ready.');
}

/**
 * The AWS SDK prints a ten-line warning on Node 20; one line says the same. The variable is the
 * SDK's own switch for it and is read when the first client is created, after this.
 */
function quietNodeVersionWarning(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 22 || process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED) return;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  out(
    `Note: Node ${process.versions.node}; the AWS SDK needs Node 22 or newer from 2027 (Lambda runs Node 22).`,
  );
}

/** Relative to the working folder when inside it, absolute otherwise. */
function shortPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

function printAccessLog(entry: AccessLogEntry): void {
  // The console polls every second: its requests would drown everything else.
  if (entry.path.startsWith('/_local/') && entry.statusCode < 400) return;
  const fn = entry.functionName ? ` ${entry.functionName}` : '';
  const error = entry.error ? `  ${entry.error}` : '';
  out(`→ ${entry.method} ${entry.path} ${entry.statusCode}${fn} ${entry.durationMs} ms${error}`);
}

function printDelivery(delivery: EventDelivery): void {
  const outcome = delivery.delivered ? 'delivered' : 'FAILED';
  const tries = delivery.attempts === 1 ? '1 try' : `${delivery.attempts} tries`;
  out(
    `⇢ ${delivery.detailType} ${delivery.what} → ${delivery.target} ${outcome} (${delivery.result}, ${tries}, ${delivery.durationMs} ms)`,
  );
}

/**
 * npm may die without passing a signal on (SIGKILL from an IDE, a crash). `npm start` runs us
 * through `sh -c`, which outlives npm, so both our parent and its parent are watched.
 */
function watchParent(onGone: () => void): void {
  const parent = process.ppid;
  const ancestors = [parent];
  execFile('ps', ['-o', 'ppid=', '-p', String(parent)], (error, stdout) => {
    const grandparent = Number(stdout.trim());
    if (!error && grandparent > 1) ancestors.push(grandparent);
  });
  const timer = setInterval(() => {
    if (process.ppid !== parent || !ancestors.every(isAlive)) {
      clearInterval(timer);
      onGone();
    }
  }, 1_000);
  timer.unref();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fail(error: unknown): void {
  err();
  if (error instanceof LocalStackStartupError) {
    err(`✖ Could not start: ${error.message}`);
    err(`  What to do: ${error.hint}`);
  } else if (error instanceof IntegrationError) {
    err(`✖ Could not start: ${error.message}`);
    err(
      '  What to do: fix the option or variable named above (`npm start -- --help` lists them, docs/local.md explains them).',
    );
  } else {
    err(
      `✖ Could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
  process.exit(1);
}

function printHelp(): void {
  // Lists come from the code that owns them, so the help cannot fall behind it.
  const functions = Object.keys(FUNCTION_TIMEOUTS_MS).map(kebabCase).join(', ');
  const quirks = wrap(Object.keys(SANDBOX_QUIRK_NAMES).join(','), 60, 35);
  out(`npm start [-- --persist] [-- --forward-to=TARGET …]

Runs the whole product locally behind http://127.0.0.1:${LOCAL_DEFAULTS.port}: DynamoDB Local, a
local EventBridge, the Front Payment sandbox, the console and the functions, the scheduled ones on
their intervals: ${functions}.

  --persist                        keep DynamoDB data in ${DEFAULT_DATA_DIR} (or LOCAL_DATA_DIR)
  --forward-to=TARGET              as one FORWARD_EVENTS_TO entry; repeatable

Variables (all optional):
  PORT=${LOCAL_DEFAULTS.port}  DYNAMODB_PORT=${LOCAL_DEFAULTS.dynamoDbPort}  EVENTBRIDGE_PORT=${LOCAL_DEFAULTS.eventBridgePort}  SANDBOX_PORT=${LOCAL_DEFAULTS.sandboxPort}   0 picks a free port
  LOCAL_DATA_DIR                   keep DynamoDB data in this folder
  FRONT_PAYMENT_TOKEN              bearer token (default ${LOCAL_DEFAULTS.frontPaymentToken})
  FRONT_PAYMENT_CALLBACK_SECRET    callback secret (default ${LOCAL_DEFAULTS.callbackSecret})
  FRONT_PAYMENT_BASE_URL           a real Front Payment environment instead of the sandbox
  CALLBACK_BASE_URL                our public base URL in callbacks (a tunnel)
  CALLBACK_CHECKSUM_FORMULA        ${CHECKSUM_FORMULAS.join(' | ')}
  SANDBOX_QUIRKS                   ${quirks}
  PUBLISH_PENDING_INTERVAL_SECONDS sweeper interval (default ${LOCAL_DEFAULTS.publishPendingIntervalMs / 1000}; 0 turns it off)
  RECONCILE_INTERVAL_SECONDS       reconciler interval (default ${LOCAL_DEFAULTS.reconcileIntervalMs / 1000}; 0 turns it off)
  LOG_LEVEL             the functions' log level (default ${LOCAL_DEFAULTS.logLevel})
  FORWARD_EVENTS_TO                deliver the bus's events to URLs (POST) or handler files
                                   (./consumer.ts#handler), comma-separated
  FORWARD_EVENTS_PATTERN           which ones, as JSON (default: onStatus's rule for every status,
                                   ${JSON.stringify(defaultForwardPattern(DEFAULT_EVENT_SOURCE)).replace(/"status":\[[^\]]*\]/, '"status":[…]')})

docs/local.md has the details.`);
}

function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** Breaks a comma list into lines of at most `width` characters, indented by `indent`. */
function wrap(list: string, width: number, indent: number): string {
  const lines: string[] = [];
  for (const item of list.split(',')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + item.length + 1 <= width) {
      lines[lines.length - 1] = `${last},${item}`;
    } else lines.push(item);
  }
  return lines.join(`,\n${' '.repeat(indent)}`);
}

await main();
