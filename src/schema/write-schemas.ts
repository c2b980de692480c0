import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import prettier from 'prettier';
import { repoRoot } from '../components/manifest.ts';
import { SCHEMA_FILES } from './schema-files.ts';

/** `npm run schema`: writes every generated JSON Schema file, formatted as `npm run lint` wants it. */
for (const { path: file, generate } of SCHEMA_FILES) {
  const target = path.join(repoRoot, file);
  const text = await prettier.format(JSON.stringify(generate()), {
    ...(await prettier.resolveConfig(target)),
    filepath: target,
  });
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${file}`);
}
