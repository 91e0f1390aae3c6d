/**
 * A Node process that starts DynamoDB Local on the port given as its argument, prints `ready`
 * and waits, so a test can kill it the way a test runner or an IDE kills its children.
 */
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';

await startDynamoDbLocal({ port: Number(process.argv[2]) });
process.stdout.write('ready\n');
setInterval(() => {}, 60_000);
