import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { parse, stringify } from 'yaml';
import {
  batchUploadRequestSchema,
  batchUploadResponseSchema,
  catalogPublishedSchema,
  errorDetailSchema,
  errorResponseSchema,
  fleetResponseSchema,
  heartbeatRequestSchema,
  heartbeatResponseSchema,
  mailboxOverrideSchema,
  mailboxStatusSchema,
  MAX_BATCH_ITEMS,
  progressOverrideSchema,
  referenceNumberSchema,
  signedCatalogDocumentSchema,
  statsResponseSchema,
  adminTransactionSchema,
  adminTransactionsSchema,
  transactionPayloadSchema,
  transactionProgressSchema,
  ulidSchema,
  urgentReportStatusSchema,
} from '../contract/central-api.js';

/** Where the committed document lives, relative to the repository root. */
export const OPENAPI_PATH = 'resources/openapi/central-api.yaml';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string): Json => ({ $ref: `#/components/responses/${name}` });

/**
 * Component schemas from the zod contract. Request bodies are rendered in zod's "input" mode (unknown keys are
 * tolerated and dropped), responses in "output" mode (exactly the keys the server emits).
 */
function componentSchemas(): Record<string, Json> {
  const request = {
    TransactionPayload: transactionPayloadSchema,
    BatchUploadRequest: batchUploadRequestSchema,
    HeartbeatRequest: heartbeatRequestSchema,
    SignedCatalogDocument: signedCatalogDocumentSchema,
    ProgressOverride: progressOverrideSchema,
    MailboxOverride: mailboxOverrideSchema,
  };
  const response = {
    BatchUploadResponse: batchUploadResponseSchema,
    HeartbeatResponse: heartbeatResponseSchema,
    CatalogPublished: catalogPublishedSchema,
    TransactionProgress: transactionProgressSchema,
    MailboxStatus: mailboxStatusSchema,
    UrgentReportStatus: urgentReportStatusSchema,
    FleetResponse: fleetResponseSchema,
    StatsResponse: statsResponseSchema,
    AdminTransactions: adminTransactionsSchema,
    AdminTransaction: adminTransactionSchema,
    ErrorResponse: errorResponseSchema,
    ErrorDetail: errorDetailSchema,
  };
  const render = (io: 'input' | 'output'): Record<string, Json> => {
    const registry = z.registry<{ id: string }>();
    const chosen: Record<string, z.ZodType> = io === 'input' ? request : response;
    for (const [id, schema] of Object.entries(chosen)) registry.add(schema, { id });
    // Schemas these refer to that carry their own id (ErrorDetail) land in the output too.
    const { schemas } = z.toJSONSchema(registry, {
      target: 'draft-2020-12',
      io,
      uri: (id) => `#/components/schemas/${id}`,
    }) as { schemas: Record<string, Json> };
    if ('__shared' in schemas) {
      // A schema with its own id was referenced but not registered here: register it above.
      throw new Error(
        `unregistered shared schemas: ${Object.keys((schemas.__shared.$defs ?? {}) as Json).join(', ')}`,
      );
    }
    return schemas;
  };
  const all = { ...render('output'), ...render('input') };
  const cleaned: Record<string, Json> = {};
  for (const name of Object.keys(all).sort()) {
    // $schema/$id per component are redundant inside an OpenAPI 3.1 document (its dialect is 2020-12).
    const { $schema: _schema, $id: _id, ...rest } = all[name] ?? {};
    cleaned[name] = rest;
  }
  return cleaned;
}

function referenceParameter(name: string, description: string): Json {
  const { $schema: _schema, ...schema } = z.toJSONSchema(referenceNumberSchema, {
    target: 'draft-2020-12',
  }) as Json;
  return { name, in: 'path', required: true, description, schema };
}

function jsonBody(schemaName: string, description: string): Json {
  return { required: true, description, content: { 'application/json': { schema: ref(schemaName) } } };
}

function ok(schemaName: string, description: string): Json {
  return { description, content: { 'application/json': { schema: ref(schemaName) } } };
}

const kioskSecurity = [{ kioskBearer: [], mutualTLS: [] }, { kioskBearer: [] }];
const adminSecurity = [{ adminBearer: [], mutualTLS: [] }, { adminBearer: [] }];
/** Injected by the reference server's fault injection and by real gateways alike. */
const kioskFaults = {
  '429': responseRef('TooManyRequests'),
  '500': responseRef('InternalError'),
  '503': responseRef('ServiceUnavailable'),
};

/** Builds the OpenAPI 3.1 document of the central API. */
export function buildOpenApiDocument(): Json {
  const errorResponse = (description: string, headers?: Json): Json => ({
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: ref('ErrorResponse') } },
  });
  const retryAfter = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Smart Police Booth central API',
      version: '1.0.0',
      description: [
        'The API between Smart Police Booth kiosks and the central police system: transaction upload with',
        'idempotency keys, heartbeats, signed service catalog distribution, progress and mailbox look-ups, and',
        'administration. Generated from contract/central-api.ts by central/openapi.ts; do not edit by hand.',
        '',
        'Every error is JSON `{ "error": { "code", "message" } }`; messages never carry personal data.',
        'The reference server (central/) advances statuses with time since it stored a transaction (progress:',
        'in-progress after 1 min, done after 30 min; letters: signed after 10 min, answered after 24 h, closed',
        'after 7 days) unless an administrator pins a status.',
      ].join('\n'),
    },
    servers: [
      {
        url: 'http://127.0.0.1:8787',
        description: 'Reference server for development (plain HTTP on loopback only)',
      },
      { url: 'https://central.police.example', description: 'Production (HTTPS; mutual TLS where deployed)' },
    ],
    security: kioskSecurity,
    tags: [
      { name: 'kiosk', description: 'Called by kiosks with their own bearer token.' },
      { name: 'admin', description: 'Called by administrators with the admin bearer token.' },
    ],
    paths: {
      '/v1/transactions:batch': {
        post: {
          tags: ['kiosk'],
          operationId: 'uploadTransactions',
          summary: `Upload 1..${MAX_BATCH_ITEMS} completed transactions`,
          description: [
            'Each item carries an idempotency key equal to its transaction ULID. An item already stored with the',
            'same payload (SHA-256 of its RFC 8785 canonical JSON) answers `duplicate` and is not stored again;',
            'an item whose key was stored with a DIFFERENT payload answers `conflict` (error',
            '`idempotency-conflict`, the per-item form of 409 Conflict): nothing changes, and resending it will',
            'never succeed, so a kiosk must flag it for a person, not retry it or count it as delivered. A',
            'malformed item answers `rejected` with an error without failing the others. Results are in item',
            'order. The batch and every transaction must name the kiosk the token belongs to (403 otherwise).',
            'The whole batch is stored atomically before the answer. The server keeps only the SHA-256 of each',
            "transaction's progressKey.",
          ].join(' '),
          requestBody: jsonBody('BatchUploadRequest', 'The transactions to store.'),
          responses: {
            '200': ok('BatchUploadResponse', 'One result per item, in order.'),
            '400': responseRef('BadRequest'),
            '401': responseRef('Unauthorized'),
            '403': responseRef('Forbidden'),
            '408': responseRef('RequestTimeout'),
            '413': responseRef('PayloadTooLarge'),
            '415': responseRef('UnsupportedMediaType'),
            ...kioskFaults,
          },
        },
      },
      '/v1/heartbeat': {
        post: {
          tags: ['kiosk'],
          operationId: 'heartbeat',
          summary: 'Report kiosk health; learn the latest published catalog',
          requestBody: jsonBody('HeartbeatRequest', 'Device states, outbox depth, catalog in use.'),
          responses: {
            '200': ok('HeartbeatResponse', 'Server time and the latest published catalog (or null).'),
            '400': responseRef('BadRequest'),
            '401': responseRef('Unauthorized'),
            '403': responseRef('Forbidden'),
            '408': responseRef('RequestTimeout'),
            '413': responseRef('PayloadTooLarge'),
            '415': responseRef('UnsupportedMediaType'),
            ...kioskFaults,
          },
        },
      },
      '/v1/catalog': {
        get: {
          tags: ['kiosk'],
          operationId: 'getCatalog',
          summary: 'Fetch the latest signed catalog (conditional GET)',
          description:
            'The body is the signed document exactly as published; the server never verifies it, kiosks do.',
          parameters: [
            {
              name: 'If-None-Match',
              in: 'header',
              required: false,
              description: 'The ETag of the catalog the kiosk has.',
              schema: { type: 'string' },
            },
          ],
          responses: {
            '200': {
              description: 'The signed catalog document, byte for byte as published.',
              headers: { ETag: { $ref: '#/components/headers/ETag' } },
              content: { 'application/json': { schema: ref('SignedCatalogDocument') } },
            },
            '304': {
              description: 'The kiosk already has the latest catalog.',
              headers: { ETag: { $ref: '#/components/headers/ETag' } },
            },
            '401': responseRef('Unauthorized'),
            '404': responseRef('NotFound'),
            ...kioskFaults,
          },
        },
      },
      '/v1/transactions/{number}/progress': {
        get: {
          tags: ['kiosk'],
          operationId: 'getProgress',
          summary: "A transaction's processing state, by its human number",
          description:
            "Only the calling kiosk's own transactions: another kiosk's number answers 404 exactly like an " +
            'unknown one. Rate limited per token (429 with Retry-After).',
          parameters: [referenceParameter('number', 'The transaction number, e.g. JW-20261129-000123.')],
          responses: {
            '200': ok('TransactionProgress', 'The current state.'),
            '401': responseRef('Unauthorized'),
            '404': responseRef('NotFound'),
            ...kioskFaults,
          },
        },
      },
      '/v1/mailbox/{trackingNumber}': {
        get: {
          tags: ['kiosk'],
          operationId: 'getMailboxStatus',
          summary: "A mailbox letter's state, by tracking number",
          description: 'Rate limited per token (429 with Retry-After).',
          parameters: [referenceParameter('trackingNumber', 'The tracking number printed on the receipt.')],
          responses: {
            '200': ok('MailboxStatus', 'The current state.'),
            '401': responseRef('Unauthorized'),
            '404': responseRef('NotFound'),
            ...kioskFaults,
          },
        },
      },
      '/v1/urgent-reports/{id}': {
        get: {
          tags: ['kiosk'],
          operationId: 'getUrgentReportStatus',
          summary: "Whether the command centre has acknowledged one of this kiosk's urgent reports",
          description:
            'Storing an urgent report (a missing-person report) is only the delivery receipt: a duty officer then ' +
            'acknowledges it on the console. The kiosk polls this while its end screen shows the report, and says ' +
            '"acknowledged by the command centre" only once `status` is `acknowledged`. Only the calling kiosk\'s own ' +
            "urgent transactions: anything else answers 404 like an unknown id. The officer's name is not given.",
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              description: 'The transaction id (its idempotency key), a ULID.',
              schema: (({ $schema: _schema, ...schema }) => schema)(
                z.toJSONSchema(ulidSchema, { target: 'draft-2020-12' }) as Json,
              ),
            },
          ],
          responses: {
            '200': ok('UrgentReportStatus', 'Waiting for an officer, or acknowledged (with the time).'),
            '401': responseRef('Unauthorized'),
            '404': responseRef('NotFound'),
            ...kioskFaults,
          },
        },
      },
      '/v1/admin/catalog': {
        post: {
          tags: ['admin'],
          operationId: 'publishCatalog',
          summary: 'Publish a signed catalog',
          description:
            'Stored verbatim. `catalog.version` must be an integer greater than the latest published (409).',
          security: adminSecurity,
          requestBody: jsonBody('SignedCatalogDocument', 'The signed catalog document.'),
          responses: {
            '200': ok('CatalogPublished', 'The version and the ETag kiosks will see.'),
            '400': responseRef('BadRequest'),
            '401': responseRef('Unauthorized'),
            '408': responseRef('RequestTimeout'),
            '409': responseRef('Conflict'),
            '413': responseRef('PayloadTooLarge'),
            '415': responseRef('UnsupportedMediaType'),
            '500': responseRef('InternalError'),
          },
        },
      },
      '/v1/admin/fleet': {
        get: {
          tags: ['admin'],
          operationId: 'getFleet',
          summary: 'Every kiosk with its last heartbeat',
          security: adminSecurity,
          responses: {
            '200': ok('FleetResponse', 'Configured kiosks and kiosks that have called in.'),
            '401': responseRef('Unauthorized'),
            '500': responseRef('InternalError'),
          },
        },
      },
      '/v1/admin/stats': {
        get: {
          tags: ['admin'],
          operationId: 'getStats',
          summary: 'Server counters',
          security: adminSecurity,
          responses: {
            '200': ok('StatsResponse', 'Counters.'),
            '401': responseRef('Unauthorized'),
            '500': responseRef('InternalError'),
          },
        },
      },
      '/v1/admin/transactions/{number}': {
        get: {
          tags: ['admin'],
          operationId: 'getTransactions',
          summary: 'Read back the stored transactions with one number',
          security: adminSecurity,
          parameters: [referenceParameter('number', 'The transaction number.')],
          responses: {
            '200': ok('AdminTransactions', 'The stored payloads, newest first.'),
            '401': responseRef('Unauthorized'),
            '404': responseRef('NotFound'),
            '500': responseRef('InternalError'),
          },
        },
      },
      '/v1/admin/transactions/{number}/progress': {
        post: {
          tags: ['admin'],
          operationId: 'setProgress',
          summary: "Pin a transaction's progress status",
          security: adminSecurity,
          parameters: [referenceParameter('number', 'The transaction number.')],
          requestBody: jsonBody('ProgressOverride', 'The status to pin.'),
          responses: {
            '200': ok('TransactionProgress', 'The state after pinning.'),
            '400': responseRef('BadRequest'),
            '401': responseRef('Unauthorized'),
            '404': responseRef('NotFound'),
            '408': responseRef('RequestTimeout'),
            '415': responseRef('UnsupportedMediaType'),
            '500': responseRef('InternalError'),
          },
        },
      },
      '/v1/admin/mailbox/{trackingNumber}': {
        post: {
          tags: ['admin'],
          operationId: 'setMailboxStatus',
          summary: "Pin a mailbox letter's status",
          security: adminSecurity,
          parameters: [referenceParameter('trackingNumber', 'The tracking number.')],
          requestBody: jsonBody('MailboxOverride', 'The status to pin.'),
          responses: {
            '200': ok('MailboxStatus', 'The state after pinning.'),
            '400': responseRef('BadRequest'),
            '401': responseRef('Unauthorized'),
            '404': responseRef('NotFound'),
            '408': responseRef('RequestTimeout'),
            '415': responseRef('UnsupportedMediaType'),
            '500': responseRef('InternalError'),
          },
        },
      },
    },
    components: {
      schemas: componentSchemas(),
      headers: {
        RetryAfter: {
          description: 'When to retry: delta-seconds (e.g. "30") or an HTTP-date.',
          schema: { type: 'string' },
        },
        ETag: { description: 'Entity tag of the catalog document (quoted).', schema: { type: 'string' } },
      },
      responses: {
        BadRequest: errorResponse(
          'Malformed JSON or a body that does not match the schema (malformed-json, invalid-body).',
        ),
        Unauthorized: errorResponse('Missing or wrong bearer token (unauthorized).', {
          'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } },
        }),
        Forbidden: errorResponse('The body names another kiosk than the token (kiosk-mismatch).'),
        NotFound: errorResponse('Unknown reference (not-found) or nothing published yet (no-catalog).'),
        Conflict: errorResponse(
          'The catalog version is not newer than the published one (version-not-newer).',
        ),
        PayloadTooLarge: errorResponse('The request body is over the size limit (too-large).'),
        RequestTimeout: errorResponse(
          'The request (headers and body) did not arrive within the time limit (request-timeout); the ' +
            'connection is closed.',
        ),
        UnsupportedMediaType: errorResponse('The body is not application/json (unsupported-media-type).'),
        TooManyRequests: errorResponse(
          'Slow down (rate-limited): a look-up rate limit per token, a gateway, or fault injection.',
          retryAfter,
        ),
        InternalError: errorResponse('Server failure (internal).'),
        ServiceUnavailable: errorResponse('Temporarily unavailable (unavailable).', retryAfter),
      },
      securitySchemes: {
        kioskBearer: {
          type: 'http',
          scheme: 'bearer',
          description: "The kiosk's own token, configured on both sides. Compared in constant time.",
        },
        adminBearer: { type: 'http', scheme: 'bearer', description: 'The administrator token.' },
        mutualTLS: {
          type: 'mutualTLS',
          description:
            'Optional: deployments may also require a client certificate issued by the police PKI. The kiosk ' +
            'client supports it (cert/key/CA paths); the reference server requires one when started with ' +
            '--tls-client-ca. The certificate authenticates the device; the bearer token still names the kiosk.',
        },
      },
    },
  };
}

/** The document as YAML, exactly as committed in resources/openapi/central-api.yaml. */
export function renderOpenApiYaml(): string {
  return `# Generated by central/openapi.ts from contract/central-api.ts. Regenerate: npx tsx central/openapi-main.ts --write\n${stringify(
    buildOpenApiDocument(),
    { lineWidth: 0, aliasDuplicateObjects: false },
  )}`;
}

/**
 * True when committed YAML text holds exactly the generated document (compared as data, so formatting by
 * Prettier or by hand does not matter, but any change of content does).
 */
export function openApiMatchesCommitted(committedYaml: string): boolean {
  let committed: unknown;
  try {
    committed = parse(committedYaml);
  } catch {
    // A committed file that is not YAML does not match; the check says it is out of date.
    return false;
  }
  return isDeepStrictEqual(committed, JSON.parse(JSON.stringify(buildOpenApiDocument())));
}
