/** Log levels in increasing severity; `silent` turns logging off. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export type LogFields = Record<string, unknown>;

/** A structured logger: one JSON object per line. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

// Field names whose values are never written, whatever the caller passes.
const SECRET_FIELD =
  /authorization|cookie|token|secret|password|private_?key|api_?key|assertion|code_verifier/i;

/** Replaces the values of secret-looking fields (recursively) with "[redacted]". */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_FIELD.test(key) ? '[redacted]' : redact(inner, depth + 1);
  }
  return out;
}

/** Creates a JSON-lines logger writing to `write` (stdout by default). */
export function createJsonLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = defaultWrite,
): Logger {
  const threshold = ORDER[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
    if (ORDER[lvl] < threshold) return;
    const entry = {
      time: new Date().toISOString(),
      level: lvl,
      msg: message,
      ...(fields ? (redact(fields) as LogFields) : {}),
    };
    write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

function defaultWrite(line: string): void {
  console.log(line);
}
