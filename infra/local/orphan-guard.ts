import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A process as `ps` lists it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly args: string;
}

/** Every process of the machine (POSIX `ps`, so it works on Linux and macOS). */
export async function listProcesses(): Promise<ProcessInfo[]> {
  const { stdout } = await run('ps', ['-A', '-o', 'pid=,ppid=,args=']);
  return stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] ?? '' }));
}

/** The DynamoDB Local (`java … DynamoDBLocal.jar … -port N`) processes listening on `port`. */
export async function findDynamoDbLocalProcesses(port: number): Promise<ProcessInfo[]> {
  const processes = await listProcesses();
  return processes.filter(
    (info) =>
      info.args.includes('DynamoDBLocal.jar') &&
      new RegExp(`(^|\\s)-port\\s+${port}(\\s|$)`).test(info.args),
  );
}

export interface OrphanGuard {
  /** Ends the guard when the stack stops normally. */
  release(): void;
}

/**
 * Stops DynamoDB Local if this Node process dies without cleaning up (SIGKILL, a crash of the
 * runtime, a test runner killed mid-run): a tiny detached shell waits for our pid to vanish, then
 * terminates the Java process. It re-checks the command line first, so a recycled pid is never
 * killed. Taken at once after spawning, so not even a start that is still waiting is left behind.
 */
export function guardAgainstOrphans(javaPid: number): OrphanGuard {
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
    `ps -p ${javaPid} -o args= | grep -q DynamoDBLocal.jar || exit 0`,
    `kill -TERM ${javaPid} 2>/dev/null; sleep 5`,
    `ps -p ${javaPid} -o args= | grep -q DynamoDBLocal.jar && kill -KILL ${javaPid} 2>/dev/null`,
    'exit 0',
  ].join('\n');
  // Best effort: without `sh` (a minimal container) DynamoDB Local still runs, just unguarded.
  const watcher = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watcher.on('error', () => {});
  watcher.unref();
  return {
    release: () => {
      if (watcher.exitCode === null && watcher.pid !== undefined) {
        try {
          process.kill(watcher.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
    },
  };
}
