/** Writes openapi.yaml from the routes the code defines (`npm run openapi`); a test fails when it drifts. */
import { writeFile } from 'node:fs/promises';
import { renderOpenApiYaml } from '../src/openapi-yaml';

await writeFile(new URL('../openapi.yaml', import.meta.url), await renderOpenApiYaml());
console.log('wrote openapi.yaml');
