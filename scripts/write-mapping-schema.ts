/** Writes mappings/mapping.schema.json, the JSON Schema of the mapping file format, from the zod schema. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mappingJsonSchema } from '../src/mapping/format';

const target = fileURLToPath(new URL('../mappings/mapping.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(mappingJsonSchema(), null, 2)}\n`);
// Format like the rest of the repository so `biome check` stays clean; the drift test compares parsed JSON.
spawnSync('npx', ['biome', 'format', '--write', target], { stdio: 'ignore' });
console.log(`wrote ${target}`);
