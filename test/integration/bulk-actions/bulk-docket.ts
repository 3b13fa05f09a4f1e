import { MongoClient } from 'mongodb';
import type { Docket } from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase } from '../../helpers/mongo';
import { InvoiceHandler } from '../job-search/search-fixture';

/** A Docket on its own database, with the client it uses, for the bulk action tests. */
export interface BulkDocket {
  /** The Docket's own client, which reports the commands it sends (`MatchedCommands`). */
  readonly client: MongoClient;
  readonly docket: Docket;
  /** Closes the Docket and its client, and drops the database. */
  close(): Promise<void>;
}

/** Opens a {@link BulkDocket} on a database named after `name`, with the invoice handler. */
export async function openBulkDocket(name: string): Promise<BulkDocket> {
  const db = await openTestDatabase(name);
  const client = await new MongoClient(db.uri, { monitorCommands: true }).connect();
  const { docket } = await createTestDocket(db, {
    mongo: { client, dbName: db.dbName },
    handlers: [InvoiceHandler],
  });
  return {
    client,
    docket,
    async close() {
      await docket.close();
      await client.close();
      await db.cleanup();
    },
  };
}
