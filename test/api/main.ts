/**
 * `npm run api:check` (after `npm run build`): fails when the public API differs from the
 * reports in docs/api, or a public signature uses a type no entry point exports.
 * `npm run api:update` rewrites the reports after an intended change, for review.
 */
import { join } from 'node:path';
import { checkApiReports, ROOT } from './api-report';

const update = process.argv.includes('--update');
const results = checkApiReports(join(ROOT, 'dist'), update);
let failed = false;
for (const result of results) {
  for (const problem of result.problems) {
    failed = true;
    process.stderr.write(`${result.subpath}: ${problem}\n`);
  }
  if (result.changed && !update) {
    failed = true;
    process.stderr.write(
      `${result.subpath}: the public API differs from its report in docs/api; ` +
        'review the change and run `npm run api:update`\n',
    );
  }
  process.stdout.write(
    `${result.subpath}: ${result.changed ? (update ? 'report updated' : 'changed') : 'unchanged'}\n`,
  );
}
process.exitCode = failed ? 1 : 0;
