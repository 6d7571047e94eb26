/** Reads the DocuSign payload fixtures in test/fixtures/docusign (`<api>.<operationId>.<status>[.<variant>].json`). */
import { readdirSync, readFileSync } from 'node:fs';

const DIR = new URL('../fixtures/docusign/', import.meta.url);

export interface FixtureFile {
  name: string;
  api: 'esignature' | 'admin';
  operationId: string;
  status: number;
}

/** Every fixture file, with the API, operation and status its name declares. */
export function listFixtures(): FixtureFile[] {
  return readdirSync(DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const [api, operationId, status] = name.split('.');
      if ((api !== 'esignature' && api !== 'admin') || !operationId || !status) {
        throw new Error(`fixture ${name} is not named <api>.<operationId>.<status>[.<variant>].json`);
      }
      return { name, api, operationId, status: Number(status) };
    });
}

/** A parsed fixture; a fresh copy on every call so tests cannot leak mutations. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as T;
}
