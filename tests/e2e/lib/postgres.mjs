// A fresh PostgreSQL database per test on the server the ctest fixture `postgres` runs
// (tests/support/postgres.sh writes its URL to $SLIPWAY_TEST_POSTGRES/url). A missing server
// is an error, never a skip: a PostgreSQL test that silently did not run would let CI pass.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// The fixture server's URL (postgresql://user@127.0.0.1:port/postgres).
export function postgresFixtureUrl() {
  const dir = process.env.SLIPWAY_TEST_POSTGRES;
  if (!dir) {
    throw new Error('SLIPWAY_TEST_POSTGRES is not set: PostgreSQL tests need the ctest fixture ' +
      '`postgres` (run them through ctest, or start a server with ' +
      'tests/support/postgres.sh start DIR and set SLIPWAY_TEST_POSTGRES=DIR)');
  }
  const file = join(dir, 'url');
  if (!existsSync(file)) {
    throw new Error(`SLIPWAY_TEST_POSTGRES=${dir} has no url file: the ctest fixture \`postgres\` ` +
      '(test postgres_start, tests/support/postgres.sh) did not start a server');
  }
  const url = readFileSync(file, 'utf8').trim();
  if (!url) throw new Error(`${file} is empty`);
  return url;
}

function psqlBinary() {
  return existsSync('/usr/bin/psql') ? '/usr/bin/psql' : 'psql';
}

// Drops and creates the database t_<name> (lower-case letters, digits and _), returns its URL.
export async function freshPostgresUrl(name) {
  const base = postgresFixtureUrl();
  let db = 't_' + String(name).toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (db.length > 63) {  // PostgreSQL truncates names at 63 bytes: keep them unique
    let hash = 0x811c9dc5;
    for (const ch of String(name)) hash = Math.imul(hash ^ ch.codePointAt(0), 0x01000193) >>> 0;
    db = db.slice(0, 54) + '_' + hash.toString(16).padStart(8, '0');
  }
  try {
    await run(psqlBinary(), [
      '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', base,
      '-c', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`,
      '-c', `CREATE DATABASE ${db}`,
    ], { env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' }, timeout: 60_000 });
  } catch (error) {
    throw new Error(`fixture PostgreSQL: cannot create database ${db} on ${base}: ` +
      `${error.stderr || error.message}`);
  }
  return base.slice(0, base.lastIndexOf('/')) + '/' + db;
}
