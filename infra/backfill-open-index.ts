import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backfillOpenIndex } from '../functions/reconcile/backfill-open-index.ts';

// `npm run backfill-open-index -- <table name>`: once, after the first deploy with the reconciler,
// with credentials for the stack's account (the table name is the stack output
// ReservationsTableName). See docs/reconciler.md.
const tableName = process.argv[2];
if (!tableName) {
  console.error('usage: npm run backfill-open-index -- <reservations table name>');
  process.exit(2);
}
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const added = await backfillOpenIndex(documents, tableName);
console.log(`${added} open reservations added to the open-reservations index of ${tableName}`);
