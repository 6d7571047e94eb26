import { readFileSync } from 'node:fs';

/** The `curl` lines of the first sh block under a README heading. */
export function readmeCurlLines(heading: string): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf(`## ${heading}`));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.startsWith('curl '));
}

/** Splits a shell line into words: '…' literal, "…" and bare words with `$NAME` expanded from `vars`. */
function shellWords(line: string, vars: Record<string, string>): string[] {
  const expand = (text: string) =>
    text.replace(/\$([A-Z_]+)/g, (_, name: string) => {
      if (!(name in vars)) throw new Error(`README uses $${name}, which the walk does not set`);
      return vars[name]!;
    });
  const words: string[] = [];
  const pattern = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const match of line.matchAll(pattern)) {
    words.push(match[1] ?? expand(match[2] ?? match[3] ?? ''));
  }
  return words;
}

/** Runs one README `curl` line (-X, -H, -d and a URL) with fetch. */
export async function runCurl(line: string, vars: Record<string, string>): Promise<Response> {
  const words = shellWords(line, vars).slice(1);
  let method: string | undefined;
  let body: string | undefined;
  let url: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-X') method = words[++i];
    else if (word === '-H') {
      const [name, ...value] = words[++i]!.split(':');
      headers[name!.trim().toLowerCase()] = value.join(':').trim();
    } else if (word === '-d') body = words[++i];
    else if (word.startsWith('-')) throw new Error(`the walk does not understand curl option ${word}`);
    else url = word;
  }
  if (!url) throw new Error(`no URL in: ${line}`);
  return fetch(url, { method: method ?? (body ? 'POST' : 'GET'), headers, body });
}
