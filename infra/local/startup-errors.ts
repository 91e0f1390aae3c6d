import { createServer } from 'node:net';
import { IntegrationError } from '#shared/errors';

/** The local stack could not start; `hint` tells the person what to do about it. */
export class LocalStackStartupError extends IntegrationError {
  override readonly name: string = 'LocalStackStartupError';
  constructor(
    message: string,
    readonly hint: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A port the stack needs is taken by another process. The advice is `0` (a free port, printed in
 * the banner), not the next number: the next number may be a port this same stack is about to use.
 */
export class PortInUseError extends LocalStackStartupError {
  override readonly name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly what: string,
    readonly variable: string,
  ) {
    super(
      `Port ${port} (${what}) is already in use`,
      `Stop whatever listens on it (is another \`npm start\` running? \`lsof -i :${port}\` or \`ss -ltnp | grep :${port}\` shows it), or let the stack pick a free one: ${variable}=0 npm start`,
    );
  }
}

/**
 * Fails fast, before Java starts, when a fixed port is taken. Listening briefly is the only
 * portable check; the tiny window until the real listener binds is acceptable for a dev tool.
 */
export async function assertPortFree(
  port: number,
  host: string,
  what: string,
  variable: string,
): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        reject(new PortInUseError(port, what, variable));
      } else reject(error);
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** Turns a failure to listen into the same advice as the port check. */
export function explainListenError(
  error: unknown,
  port: number,
  what: string,
  variable: string,
): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EADDRINUSE' || code === 'EACCES'
    ? new PortInUseError(port, what, variable)
    : error;
}

/** DynamoDB Local's start failures (Java missing or too old, port taken) with what to do. */
export function explainDynamoDbLocalError(
  error: unknown,
  port: number,
  variable: string,
): LocalStackStartupError {
  const message = error instanceof Error ? error.message : String(error);
  if (/needs Java|ENOENT/.test(message)) {
    return new LocalStackStartupError(
      'Java was not found: DynamoDB Local is a Java program (Java 17 or newer)',
      'Install a Java runtime, e.g. on Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless (macOS: brew install openjdk@17), then run npm start again',
      { cause: error },
    );
  }
  if (/UnsupportedClassVersionError/.test(message)) {
    return new LocalStackStartupError(
      'The Java on PATH is too old for DynamoDB Local (it needs Java 17 or newer)',
      'Install Java 17, e.g. sudo apt-get install -y openjdk-17-jre-headless, and check `java -version`',
      { cause: error },
    );
  }
  if (/Address already in use|BindException/.test(message)) {
    return new PortInUseError(port, 'DynamoDB Local', variable);
  }
  return new LocalStackStartupError(
    `DynamoDB Local did not start: ${message}`,
    'Check `java -version` (17 or newer) and that nothing else uses the DynamoDB port',
    { cause: error },
  );
}
