import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { parse } from 'yaml';

const BASE = 'https://smart-police-booth.invalid/central-api.json';

type Json = Record<string, unknown>;

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates actual HTTP responses against the OpenAPI 3.1 document (ajv, JSON Schema 2020-12), so tests prove
 * the server and the committed document agree. Used by the central tests.
 */
export class OpenApiValidator {
  readonly #doc: Json;
  readonly #ajv: Ajv2020;
  readonly #cache = new Map<string, ValidateFunction>();

  /** Loads the document from a YAML file. */
  static fromFile(path: string): OpenApiValidator {
    return new OpenApiValidator(parse(readFileSync(path, 'utf8')) as Json);
  }

  constructor(document: Json) {
    this.#doc = document;
    // strict: false because the OpenAPI document around the schemas has keys ajv does not know.
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    formats.default(this.#ajv);
    this.#ajv.addSchema({ ...document, $id: BASE });
  }

  /** Compiles every component schema; throws when one is not valid JSON Schema 2020-12. */
  compileAllSchemas(): string[] {
    const components = this.#doc.components;
    const schemas = isObject(components) && isObject(components.schemas) ? components.schemas : {};
    for (const name of Object.keys(schemas)) this.#compile(`#/components/schemas/${escapePointer(name)}`);
    return Object.keys(schemas);
  }

  #compile(pointer: string): ValidateFunction {
    let validate = this.#cache.get(pointer);
    if (!validate) {
      validate = this.#ajv.compile({ $ref: `${BASE}${pointer}` });
      this.#cache.set(pointer, validate);
    }
    return validate;
  }

  /**
   * Returns the problems with a response (empty when it matches): the status must be documented for
   * `method pathTemplate`, and a JSON body must match its schema; a documented body-less status must have none.
   */
  validateResponse(method: string, pathTemplate: string, status: number, body: unknown): string[] {
    const paths = this.#doc.paths;
    const item = isObject(paths) ? paths[pathTemplate] : undefined;
    const operation = isObject(item) ? item[method.toLowerCase()] : undefined;
    if (!isObject(operation)) return [`${method} ${pathTemplate} is not documented`];
    const responses = operation.responses;
    let response = isObject(responses) ? responses[String(status)] : undefined;
    let pointer = `#/paths/${escapePointer(pathTemplate)}/${method.toLowerCase()}/responses/${status}`;
    if (!isObject(response)) return [`${method} ${pathTemplate} does not document status ${status}`];
    if (typeof response.$ref === 'string') {
      pointer = response.$ref;
      const name = response.$ref.split('/').at(-1) ?? '';
      const components = this.#doc.components;
      response =
        isObject(components) && isObject(components.responses) ? components.responses[name] : undefined;
      if (!isObject(response)) return [`dangling response reference ${pointer}`];
    }
    const content = response.content;
    if (!isObject(content)) {
      return body === undefined ? [] : [`status ${status} is documented without a body, but one was sent`];
    }
    if (!isObject(content['application/json'])) return [`status ${status} has no application/json content`];
    const validate = this.#compile(`${pointer}/content/application~1json/schema`);
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${error.instancePath || '(root)'} ${error.message ?? 'invalid'}`,
    );
  }
}
