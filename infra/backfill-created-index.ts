import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backfillCreatedIndex } from '#shared/reservations/backfill-created-index';

// `npm run backfill-created-index -- <table name>`: once, after the deployment that adds the
// recent-reservations index, with credentials for the stack's account (the table name is the
// stack output ReservationsTableName). See docs/deploy.md.
const tableName = process.argv[2];
if (!tableName) {
  console.error('usage: npm run backfill-created-index -- <reservations table name>');
  process.exit(2);
}
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const added = await backfillCreatedIndex(documents, tableName);
console.log(`${added} reservations added to the recent-reservations index of ${tableName}`);
