/** Applies pending migrations to DATABASE_URL (or the embedded database) and exits: `npm run db:migrate`. */
import { ConfigError, loadConfig } from '../src/config';
import { migrate } from '../src/db/migrate';
import { openConfiguredDatabase } from '../src/db/open';

try {
  const config = loadConfig(process.env);
  const database = await openConfiguredDatabase(config);
  const applied = await migrate(database.db);
  await database.close();
  console.log(`Applied ${applied} migration(s) to ${database.kind}.`);
} catch (error) {
  if (error instanceof ConfigError) for (const line of error.lines) console.error(line);
  else console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
