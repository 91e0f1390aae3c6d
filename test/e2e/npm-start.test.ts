import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '../../infra/local/free-port.ts';
import { FUNCTION_TIMEOUTS_MS } from '../../infra/local/local-functions.ts';
import { SANDBOX_QUIRK_NAMES } from '../../infra/local/local-settings.ts';
import { findDynamoDbLocalProcesses, listProcesses } from '../../infra/local/orphan-guard.ts';
import { CHECKSUM_FORMULAS } from '../../shared/front-payment/callback-checksum.ts';
import {
  bannerAsDocumented,
  documentedBanner,
  sampleMatches,
} from '../support/documented-banner.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

interface Started {
  readonly child: ChildProcess;
  output(): string;
  errors(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Started[] = [];

/** Starts a command in its own process group, as a terminal runs a foreground job. */
function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(command, args, { cwd: REPO, env, detached: true, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const handle = { child, output: () => stdout, errors: () => stderr, exited };
  started.push(handle);
  return handle;
}

afterEach(async () => {
  // Only if a test failed half way: end the process group this test started.
  for (const { child, exited } of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await exited;
    }
  }
});

async function waitFor(what: string, condition: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The printed curl: from its `curl` line through the last line continued with a backslash. */
function printedCurl(output: string): string {
  const lines = output.split('\n');
  const first = lines.findIndex((line) => line.startsWith('curl '));
  if (first === -1) throw new Error(`No curl command in the output:\n${output}`);
  const command: string[] = [];
  for (const line of lines.slice(first)) {
    command.push(line);
    if (!line.endsWith('\\')) break;
  }
  return command.join('\n');
}

/** Every process below `rootPid`, found through parent pids. */
async function descendantsOf(rootPid: number): Promise<number[]> {
  const processes = await listProcesses();
  const found: number[] = [];
  let frontier = [rootPid];
  while (frontier.length > 0) {
    const children = processes
      .filter((info) => frontier.includes(info.ppid))
      .map((info) => info.pid);
    found.push(...children);
    frontier = children;
  }
  return found;
}

async function distinctFreePorts(count: number): Promise<[number, number, number, number]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await findFreePort());
  return [...ports] as [number, number, number, number];
}

/** The four port variables of `npm start`, each a distinct free port. */
async function portVariables() {
  const [port, dynamoDb, eventBridge, sandbox] = await distinctFreePorts(4);
  return {
    PORT: String(port),
    DYNAMODB_PORT: String(dynamoDb),
    EVENTBRIDGE_PORT: String(eventBridge),
    SANDBOX_PORT: String(sandbox),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start, as a person runs it', () => {
  it('prints every URL, a curl that creates a reservation and Ready.; Ctrl-C stops the whole tree', async () => {
    const [port, dynamoDbPort, eventBridgePort, sandboxPort] = await distinctFreePorts(4);
    const npm = startProcess('npm', ['start'], {
      ...process.env,
      PORT: String(port),
      DYNAMODB_PORT: String(dynamoDbPort),
      EVENTBRIDGE_PORT: String(eventBridgePort),
      SANDBOX_PORT: String(sandboxPort),
    });

    await waitFor('Ready.', () => /^Ready\.$/m.test(npm.output()), 60_000);
    const output = npm.output();
    const api = `http://127.0.0.1:${port}`;
    expect(output).toContain(`API             ${api}`);
    expect(output).toContain(`Console         ${api}/_local/`);
    expect(output).toContain(`Front Payment   http://127.0.0.1:${sandboxPort}`);
    expect(output).toContain(`EventBridge     http://127.0.0.1:${eventBridgePort}`);
    expect(output).toContain(`DynamoDB Local  http://127.0.0.1:${dynamoDbPort}  (in memory)`);
    expect(output.trimEnd().endsWith('Ready.')).toBe(true);
    // Not the default port: the printed demo command says where the API is.
    expect(output).toContain(`run \`API_URL=${api} npm run demo\` for the whole flow`);

    // docs/local.md shows this banner: it must be what npm start prints (on the default ports).
    const printed = bannerAsDocumented(output, {
      port,
      dynamoDbPort,
      eventBridgePort,
      sandboxPort,
    });
    expect(
      sampleMatches(documentedBanner(), printed),
      `docs/local.md's sample banner (after its sample:npm-start-banner marker) differs from what npm start prints now; on the default ports it prints:\n${printed.join('\n')}`,
    ).toBe(true);

    const { stdout } = await run('bash', ['-c', printedCurl(output)], { timeout: 30_000 });
    const created = JSON.parse(stdout) as { paymentUrl: string; status: string };
    expect(created.paymentUrl).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${sandboxPort}/checkout/RES\\d+$`),
    );
    expect(created.status).toBe('SESSION_CREATED');
    await waitFor(
      'the access log line',
      () => npm.output().includes('→ POST /reservations 201'),
      5_000,
    );

    // The demo command as printed runs the whole flow against this stack.
    const demo = await run('bash', ['-c', `API_URL=${api} npm run demo`], {
      cwd: REPO,
      timeout: 60_000,
    });
    expect(demo.stdout).toContain(`Front Payment reservations demo against ${api}`);
    expect(demo.stdout).toMatch(
      /^Done: RESERVED -> CAPTURED -> CAPTURED -> REFUNDED -> COMPLETED; 5 events published\.$/m,
    );

    const java = await findDynamoDbLocalProcesses(dynamoDbPort);
    expect(java).toHaveLength(1);
    const tree = await descendantsOf(npm.child.pid as number);
    expect(tree).toContain(java[0]?.pid);

    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-(npm.child.pid as number), 'SIGINT');
    const exit = await Promise.race([
      npm.exited,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('npm start did not exit within 20 s')), 20_000),
      ),
    ]);
    // npm ends the way shells do on Ctrl-C (by SIGINT itself, or 0); the stack prints "Stopped."
    // right before exiting 0, after DynamoDB Local's Java process has exited.
    expect([exit.code === 0, exit.signal === 'SIGINT']).toContain(true);
    await waitFor(
      'every process of the tree to exit',
      () => tree.every((pid) => !isAlive(pid)),
      20_000,
    );
    expect(npm.output()).toContain('Received SIGINT: stopping…');
    expect(npm.output()).toContain('Stopped.');
    expect(npm.errors()).not.toContain('Stopping failed');
    expect(await findDynamoDbLocalProcesses(dynamoDbPort)).toEqual([]);
  });

  it("SIGINT to npm's own pid (an IDE's stop button) stops the whole tree", async () => {
    const env = { ...process.env, ...(await portVariables()) };
    const npm = startProcess('npm', ['start'], env);
    await waitFor('Ready.', () => /^Ready\.$/m.test(npm.output()), 60_000);
    const tree = await descendantsOf(npm.child.pid as number);
    expect(await findDynamoDbLocalProcesses(Number(env.DYNAMODB_PORT))).toHaveLength(1);

    // Not the process group: only npm hears it, and npm passes it on to its script.
    process.kill(npm.child.pid as number, 'SIGINT');

    await waitFor(
      'every process of the tree to exit',
      () => tree.every((pid) => !isAlive(pid)),
      20_000,
    );
    await npm.exited;
    expect(npm.output()).toContain('Received SIGINT: stopping…');
    expect(npm.output()).toContain('Stopped.');
    expect(await findDynamoDbLocalProcesses(Number(env.DYNAMODB_PORT))).toEqual([]);
  });

  it('stops by itself when npm is killed, and DynamoDB Local never outlives a killed Node process', async () => {
    const first = await portVariables();
    const second = await portVariables();
    const npm = startProcess('npm', ['start'], { ...process.env, ...first });
    const node = startProcess('node', ['--import', 'tsx', 'infra/local/start.ts'], {
      ...process.env,
      ...second,
    });
    await waitFor(
      'Ready.',
      () => /^Ready\.$/m.test(npm.output()) && /^Ready\.$/m.test(node.output()),
      60_000,
    );
    const npmTree = await descendantsOf(npm.child.pid as number);
    expect(await findDynamoDbLocalProcesses(Number(first.DYNAMODB_PORT))).toHaveLength(1);
    expect(await findDynamoDbLocalProcesses(Number(second.DYNAMODB_PORT))).toHaveLength(1);

    // npm dies without forwarding anything: the stack notices its parents are gone.
    process.kill(npm.child.pid as number, 'SIGKILL');
    // The Node process dies without any cleanup: the orphan guard ends Java.
    process.kill(node.child.pid as number, 'SIGKILL');

    await waitFor('the npm tree to exit', () => npmTree.every((pid) => !isAlive(pid)), 20_000);
    expect(npm.output()).toContain('The parent process is gone: stopping…');
    expect(npm.output()).toContain('Stopped.');
    expect(await findDynamoDbLocalProcesses(Number(first.DYNAMODB_PORT))).toEqual([]);
    const deadline = Date.now() + 15_000;
    while ((await findDynamoDbLocalProcesses(Number(second.DYNAMODB_PORT))).length > 0) {
      if (Date.now() > deadline) throw new Error('DynamoDB Local outlived the killed Node process');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  it('keeps the data across restarts with LOCAL_DATA_DIR', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'local-data-'));
    try {
      const env = { ...process.env, LOCAL_DATA_DIR: dataDir, ...(await portVariables()) };
      const api = `http://127.0.0.1:${env.PORT}`;
      const first = startProcess('npm', ['start'], env);
      await waitFor('Ready.', () => /^Ready\.$/m.test(first.output()), 60_000);
      expect(first.output()).toContain(`(data kept in ${dataDir})`);
      const { stdout } = await run('bash', ['-c', printedCurl(first.output())], {
        timeout: 30_000,
      });
      const { reservationId } = JSON.parse(stdout) as { reservationId: string };
      process.kill(-(first.child.pid as number), 'SIGINT');
      await first.exited;
      await waitFor('the first run to stop', () => first.output().includes('Stopped.'), 20_000);

      const second = startProcess('npm', ['start'], env);
      await waitFor('Ready.', () => /^Ready\.$/m.test(second.output()), 60_000);
      const listed = (await (await fetch(`${api}/_local/reservations`)).json()) as {
        reservations: { reservationId: string }[];
      };
      process.kill(-(second.child.pid as number), 'SIGINT');
      await second.exited;
      await waitFor('the second run to stop', () => second.output().includes('Stopped.'), 20_000);

      expect(listed.reservations.map((reservation) => reservation.reservationId)).toContain(
        reservationId,
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a taken port stops the start at once and names the variable to change', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const takenPort = (blocker.address() as { port: number }).port;
    try {
      const npm = startProcess('npm', ['start'], {
        ...process.env,
        ...(await portVariables()),
        PORT: String(takenPort),
      });
      const exit = await npm.exited;

      expect(exit.code).toBe(1);
      expect(npm.errors()).toContain(`Port ${takenPort} (API and console) is already in use`);
      expect(npm.errors()).toContain('PORT=0 npm start');
      expect(npm.output()).not.toContain('Ready.');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('npm run demo names API_URL when no stack answers there', async () => {
    const api = `http://127.0.0.1:${await findFreePort()}`;
    const demo = startProcess('npm', ['run', 'demo'], { ...process.env, API_URL: api });
    const exit = await demo.exited;

    expect(exit.code).toBe(1);
    expect(demo.errors()).toContain(`Could not reach ${api}`);
    expect(demo.errors()).toContain('API_URL');
    expect(demo.errors()).toContain('`API_URL=http://127.0.0.1:3400 npm run demo`');
  });

  it('--help names every local function, sandbox quirk and checksum formula the code has', async () => {
    const { stdout } = await run('npm', ['start', '--', '--help'], { cwd: REPO, timeout: 30_000 });

    for (const name of Object.keys(FUNCTION_TIMEOUTS_MS)) {
      expect(stdout).toContain(name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`));
    }
    for (const quirk of Object.keys(SANDBOX_QUIRK_NAMES)) expect(stdout).toContain(quirk);
    for (const formula of CHECKSUM_FORMULAS) expect(stdout).toContain(formula);
  });

  it('without Java it says how to install it', async () => {
    // A PATH with node and nothing else: no java.
    const bin = await mkdtemp(join(tmpdir(), 'no-java-'));
    try {
      await symlink(process.execPath, join(bin, 'node'));
      const start = startProcess('node', ['--import', 'tsx', 'infra/local/start.ts'], {
        ...process.env,
        ...(await portVariables()),
        PATH: bin,
      });
      const exit = await start.exited;

      expect(exit.code).toBe(1);
      expect(start.errors()).toContain('Java was not found');
      expect(start.errors()).toContain('apt-get install -y openjdk-17-jre-headless');
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});
