import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../infra/local/free-port.ts';
import { findDynamoDbLocalProcesses } from '../../infra/local/orphan-guard.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('DynamoDB Local started by a Node process', () => {
  it('ends when that Node process is killed with SIGKILL, so a killed test run leaves no Java', async () => {
    const port = await findFreePort();
    const node = spawn(
      'node',
      ['--import', 'tsx', 'test/support/dynamodb-local-process.ts', `${port}`],
      {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    node.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    node.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise((resolve) => node.once('exit', resolve));
    try {
      await waitUntil(
        'the child to start DynamoDB Local',
        async () => output.includes('ready'),
        60_000,
      );
      const [java] = await findDynamoDbLocalProcesses(port);
      expect(java?.ppid).toBe(node.pid);

      node.kill('SIGKILL');
      await exited;

      // The Java process was the child's: only the orphan guard can end it now.
      await waitUntil(
        `DynamoDB Local on port ${port} to end after its Node process was killed`,
        async () => (await findDynamoDbLocalProcesses(port)).length === 0,
        20_000,
      );
    } finally {
      node.kill('SIGKILL');
    }
  });
});
