import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startNodeFlags } from '../../scripts/start-flags';

describe('npm start Node flags', () => {
  it('are the options between node and the script in package.json, and this Node accepts them', () => {
    const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts
      .start;
    const flags = startNodeFlags();
    expect(start).toBe(['node', ...flags, 'scripts/start.mjs'].join(' '));
    const run = spawnSync(process.execPath, [...flags, '-e', '0'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
