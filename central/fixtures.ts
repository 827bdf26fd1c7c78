import { monotonicFactory } from 'ulid';
import type {
  BatchItem,
  HeartbeatRequest,
  SignedCatalogDocument,
  TransactionPayload,
} from '../contract/central-api.js';
import { newProgressKey } from '../contract/progress-link.js';

/**
 * Made-up payloads for tests and demos (the people in them do not exist). Shared by the central server's tests
 * and the kiosk's sync tests so both sides exercise the same shapes.
 */

const nextUlid = monotonicFactory();
let counter = 0;

/** A fresh ULID (monotonic within the process). */
export function newTransactionId(): string {
  return nextUlid();
}

/** A plausible completed transaction from `kioskId`, with a fresh progress key; override any field. */
export function sampleTransaction(
  kioskId: string,
  overrides: Partial<TransactionPayload> = {},
): TransactionPayload {
  counter += 1;
  return {
    id: newTransactionId(),
    number: `JW-20261129-${String(counter).padStart(6, '0')}`,
    kioskId,
    completedAt: '2026-11-29T08:15:00+08:00',
    urgent: false,
    locale: 'zh-CN',
    catalogVersion: 1,
    citizen: {
      cardType: 'resident',
      name: '测试用户',
      idNumber: '110101199001011234',
      sex: '男',
      birthDate: '1990-01-01',
      address: '北京市东城区测试路1号',
    },
    services: [
      { serviceId: 'hukou-certificate', form: { purpose: '入学', copies: 1, urgent: false, note: null } },
    ],
    progressKey: newProgressKey(),
    ...overrides,
  };
}

/** The batch item for a transaction (idempotency key = its ULID). */
export function batchItemOf(transaction: TransactionPayload): BatchItem {
  return { idempotencyKey: transaction.id, transaction };
}

/** A plausible heartbeat body without kioskId (the client fills it in). */
export function sampleHeartbeat(
  overrides: Partial<Omit<HeartbeatRequest, 'kioskId'>> = {},
): Omit<HeartbeatRequest, 'kioskId'> {
  return {
    appVersion: '0.1.0',
    sentAt: new Date().toISOString(),
    devices: { idcard: { state: 'ready' }, printer: { state: 'error', code: 'paper-out' } },
    catalogVersion: null,
    outbox: { depth: 0, oldestAgeMs: null },
    ...overrides,
  };
}

/** An (unsigned-by-a-real-key) catalog document of the published outer shape; the server never verifies it. */
export function sampleCatalogDocument(version: number): SignedCatalogDocument {
  return {
    catalog: { version, issuedAt: '2026-11-29T00:00:00Z', categories: [], services: [] },
    signature: { alg: 'Ed25519', keyId: 'test-key', value: 'AAAA' },
  };
}

/** A made-up missing-person report (urgent) from `kioskId`, as a kiosk uploads it; override any field. */
export function sampleMissingPersonReport(
  kioskId: string,
  overrides: Partial<TransactionPayload> = {},
): TransactionPayload {
  return sampleTransaction(kioskId, {
    urgent: true,
    services: [
      {
        serviceId: 'missing-person',
        name: { 'zh-CN': '失踪人员报告', 'zh-HK': '失蹤人口報告', en: 'Missing person report' },
        form: { missingName: '王测试', relation: '父母' },
      },
    ],
    missingPerson: {
      name: '王测试',
      age: 78,
      lastSeenPlace: '测试公园东门',
      description: '灰色外套',
      contactPhone: '13800138000',
    },
    ...overrides,
  });
}
