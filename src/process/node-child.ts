import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The file descriptor a child writes its answer to: stdout stays free for whatever its libraries print. */
const ANSWER_FD = 3;

/**
 * The Node arguments that run one of the gateway's entries: `source` under tsx when the calling module is itself
 * TypeScript (tests, `npm run dev`), else `bundled` (what `npm start` built into dist/). Both resolve against
 * `callerUrl`, the caller's `import.meta.url`.
 */
export function nodeEntryArgs(callerUrl: string, source: string, bundled: string): string[] {
  return callerUrl.endsWith('.ts')
    ? ['--import', 'tsx', fileURLToPath(new URL(source, callerUrl))]
    : [fileURLToPath(new URL(bundled, callerUrl))];
}

/**
 * Runs `node ...args` as a short-lived child: `input` (if any) on its stdin, its stdout and stderr inherited, and
 * resolves with what it wrote to its answer descriptor (`writeChildAnswer`). The child starts at once; an input
 * still being prepared is written when it is ready (the child reads it when it needs it); if preparing it fails, the
 * child gets an empty input and that failure is the answer. A non-zero exit or a signal rejects with
 * "`failure` failed (…)".
 */
export async function runNodeChild(
  args: string[],
  failure: string,
  input?: string | Promise<string>,
): Promise<string> {
  const child = spawn(process.execPath, args, {
    stdio: [input === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit', 'pipe'],
  });
  let answer = '';
  (child.stdio[ANSWER_FD] as Readable).setEncoding('utf8').on('data', (text: string) => {
    answer += text;
  });
  let inputFailure: { error: unknown } | null = null;
  if (input !== undefined) {
    // A child that exits before reading its input closes the pipe; 'close' below reports why it exited.
    child.stdin?.on('error', () => {});
    Promise.resolve(input).then(
      (text) => child.stdin?.end(text),
      (error: unknown) => {
        // No input: the child fails when it reads it, not midway through what it does before (a half-made database).
        inputFailure = { error };
        child.stdin?.end();
      },
    );
  }
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    // 'close', not 'exit': by then the answer pipe has been read to its end.
    child.once('close', (code, signal) => {
      if (inputFailure) reject(inputFailure.error);
      else if (code === 0) resolve();
      else reject(new Error(`${failure} failed (${signal ?? `exit ${code}`})`));
    });
  });
  return answer;
}

/** The child's side of `runNodeChild`: its answer, written once before it exits. */
export function writeChildAnswer(answer: string): void {
  writeSync(ANSWER_FD, answer);
}
