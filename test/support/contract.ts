// The served OpenAPI description is the contract: every answer a test receives through `call` is checked against
// the /openapi.json of the API that gave it — the status must be documented for the operation, the content type
// must be the documented one, and the body must validate against the documented schema (JSON Schema 2020-12,
// with formats). An undocumented status, field or body fails the test that met it.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with its function as the default export.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

interface MediaType {
  schema?: object;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
}
interface Operation {
  responses: Record<string, ResponseObject>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: object;
}

interface Contract {
  /** Operations by method, their path templates as patterns: literal paths before templated ones. */
  operations: Array<{ method: string; template: string; pattern: RegExp; literalSegments: number; operation: Operation }>;
  validators: Map<string, ValidateFunction>;
  ajv: Ajv2020;
}

const contracts = new Map<string, Promise<Contract>>();

const pointer = (...segments: string[]) => segments.map((segment) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

async function load(baseUrl: string): Promise<Contract> {
  const response = await fetch(`${baseUrl}/openapi.json`);
  if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}`);
  const document = (await response.json()) as Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi');
  const operations = Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      literalSegments: template.split('/').filter((segment) => segment && !segment.startsWith('{')).length,
      operation,
    })),
  );
  operations.sort((a, b) => b.literalSegments - a.literalSegments);
  return { operations, validators: new Map(), ajv };
}

export interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

/** What is wrong with an answer under the contract, or undefined when it holds. */
export async function contractViolation(baseUrl: string, method: string, path: string, answer: Answer): Promise<string | undefined> {
  if (!contracts.has(baseUrl)) contracts.set(baseUrl, load(baseUrl));
  const contract = await contracts.get(baseUrl)!;
  const pathname = new URL(path, 'http://x').pathname;
  // The description and its viewer describe the API; they are not part of it.
  if (pathname === '/openapi.json' || pathname.startsWith('/docs')) return undefined;
  const found = contract.operations.find((candidate) => candidate.method === method.toUpperCase() && candidate.pattern.test(pathname));
  const where = `${method.toUpperCase()} ${path} → ${answer.status}`;
  if (!found) {
    // Outside the description only the answer to an address that does not exist: a 404 problem.
    if (answer.status === 404 && answer.contentType.startsWith('application/problem+json')) return undefined;
    return `${where}: no operation in /openapi.json matches ${method.toUpperCase()} ${pathname}`;
  }
  const status = String(answer.status);
  const responseKey = status in found.operation.responses ? status : 'default' in found.operation.responses ? 'default' : undefined;
  if (!responseKey) {
    return `${where}: status ${status} is not documented for ${found.method} ${found.template} (documented: ${Object.keys(found.operation.responses).join(', ')})`;
  }
  const content = found.operation.responses[responseKey]!.content;
  const mediaType = answer.contentType.split(';')[0]!.trim();
  if (!content) {
    if (answer.body === undefined || answer.body === '') return undefined;
    return `${where}: documented without a body, but one came (${mediaType})`;
  }
  if (!(mediaType in content)) return `${where}: content type ${mediaType || '(none)'} is not documented (documented: ${Object.keys(content).join(', ')})`;
  // A file or text answer (CSV, XLSX, metrics) is held to its status and media type; its bytes are not JSON.
  if (!content[mediaType]!.schema || !/^application\/(.+\+)?json$/.test(mediaType)) return undefined;
  const key = `openapi#/${pointer('paths', found.template, found.method.toLowerCase(), 'responses', responseKey, 'content', mediaType, 'schema')}`;
  let validate = contract.validators.get(key);
  if (!validate) {
    validate = contract.ajv.getSchema(key);
    if (!validate) return `${where}: the schema at ${key} could not be compiled`;
    contract.validators.set(key, validate);
  }
  if (validate(answer.body)) return undefined;
  const errors = (validate.errors ?? [])
    .slice(0, 8)
    .map((error) => `${error.instancePath || '(body)'} ${error.message}${error.keyword === 'additionalProperties' ? ` '${(error.params as { additionalProperty: string }).additionalProperty}'` : ''}`);
  return `${where}: the body does not match ${found.method} ${found.template} ${responseKey}: ${errors.join('; ')}`;
}
