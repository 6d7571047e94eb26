/**
 * Tells an unmodelled DocuSign operation from a wrong URL: DocuSign paths the simulator does not serve answer
 * DocuSign's error shape with `SANDBOX_NOT_MODELLED` (listed in README.md), anything else a 404.
 * The operation index (spec/operations.json) is generated from the official specs by `npm run docusign:extract`.
 */
import operations from './spec/operations.json';

interface OperationIndex {
  basePath: string;
  operations: [string, string, string][];
}

/** An unmodelled DocuSign operation a request names. */
export interface UnmodelledOperation {
  api: 'esignature' | 'admin';
  method: string;
  path: string;
  operationId: string;
}

interface Matcher {
  method: string;
  path: string;
  operationId: string;
  pattern: RegExp;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function matchers(index: OperationIndex): Matcher[] {
  return index.operations.map(([method, path, operationId]) => ({
    method,
    path,
    operationId,
    pattern: new RegExp(
      `^${path
        .split(/(\{[^}]+\})/)
        .map((part) => (part.startsWith('{') ? '[^/]+' : escapeRegExp(part)))
        .join('')}/?$`,
      'i',
    ),
  }));
}

const INDEX = operations as unknown as Record<'esignature' | 'admin', OperationIndex>;
const ESIGNATURE = matchers(INDEX.esignature);
const ADMIN = matchers(INDEX.admin);

/** The DocuSign operation `method path` names (path as requested, e.g. `/restapi/v2.1/…`), if any. */
export function findDocusignOperation(method: string, path: string): UnmodelledOperation | undefined {
  const lookup = (api: 'esignature' | 'admin', list: Matcher[], rest: string) => {
    const m = list.find((x) => x.method === method.toUpperCase() && x.pattern.test(rest));
    return m ? { api, method: m.method, path: m.path, operationId: m.operationId } : undefined;
  };
  if (/^\/restapi\//i.test(path)) return lookup('esignature', ESIGNATURE, path.slice('/restapi'.length));
  if (/^\/management\//i.test(path)) return lookup('admin', ADMIN, path.slice('/management'.length));
  return undefined;
}

/** Every operation of both specs, for the README list and its test. */
export function allDocusignOperations(): UnmodelledOperation[] {
  return [
    ...ESIGNATURE.map((m) => ({
      api: 'esignature' as const,
      method: m.method,
      path: m.path,
      operationId: m.operationId,
    })),
    ...ADMIN.map((m) => ({
      api: 'admin' as const,
      method: m.method,
      path: m.path,
      operationId: m.operationId,
    })),
  ];
}
