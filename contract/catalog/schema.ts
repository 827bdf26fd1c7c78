import { z } from 'zod';
import type { Result } from '../result.js';
import { err, ok } from '../result.js';
import { fieldPatternRegExp } from './field-pattern.js';
import { photoSpecSchema } from './photo-spec.js';

/**
 * The service catalog: the signed document from which the kiosk builds every service screen and form.
 *
 * This file is shared with the renderer (which imports its types and may run `validateCatalog`), so it must
 * stay pure zod + TypeScript: no Node imports. Cross-field rules live in one `superRefine` on the document so
 * that `z.toJSONSchema` can still export the structural part for catalog authors
 * (resources/catalog/catalog.schema.json).
 */

/** The kiosk's three display languages, in display order. */
export const catalogLocales = ['zh-CN', 'zh-HK', 'en'] as const;
/** A display language. */
export type CatalogLocale = (typeof catalogLocales)[number];

const translation = z
  .string({
    error: (issue) => (issue.input === undefined ? 'missing translation' : 'translation must be a string'),
  })
  .trim()
  .min(1, 'empty translation')
  .max(4000);

/** A text in all three display languages; every translation is required and non-empty. */
export const localizedTextSchema = z.strictObject({
  'zh-CN': translation,
  'zh-HK': translation,
  en: translation,
});
/** A text in all three display languages. */
export type LocalizedText = z.infer<typeof localizedTextSchema>;

/** Lower-case slug used for category, service, kiosk group and notice ids, e.g. `household-certificate`. */
const slug = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lower-case slug like "exit-entry"');

/** Field, document and option identifiers: letters, digits, `_` and `-`, starting with a letter. */
const fieldId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'must start with a letter and use only letters, digits, "_" and "-"');

/**
 * The icons the renderer ships; a catalog can only name one of these (icons are part of the app, not of the
 * catalog, so a catalog can never make the kiosk load an arbitrary image).
 */
export const catalogIconNames = [
  'household',
  'id-card',
  'certificate',
  'residence',
  'move',
  'passport',
  'hk-macao',
  'taiwan',
  'plane',
  'progress',
  'calendar',
  'car',
  'license',
  'plate',
  'inspection',
  'violation',
  'mailbox',
  'help',
  'missing-person',
  'shield',
  'document',
  'info',
] as const;
/** An icon name from the renderer's fixed set. */
export type CatalogIconName = (typeof catalogIconNames)[number];
const iconSchema = z.enum(catalogIconNames);

/** The ID card kinds a reader reports: resident ID, HK/Macao/Taiwan residence permit, foreigner cards. */
export const cardTypes = ['resident', 'hmt-permit', 'foreigner', 'foreigner-2023'] as const;
/** An ID card kind. */
export type CardType = (typeof cardTypes)[number];

/**
 * What an expired ID card means for a service: `refuse` (the default when absent) says why and asks for a
 * valid card; `accept-with-notice` goes on and tells the citizen the card has expired (e.g. renewing that
 * very card, a missing-person report, a letter to the chief's mailbox).
 */
export const cardExpiryPolicies = ['refuse', 'accept-with-notice'] as const;
/** A card expiry policy. */
export type CardExpiryPolicy = (typeof cardExpiryPolicies)[number];

/** How a citizen proves who they are for a service. */
export const identityRequirements = ['none', 'id-card', 'id-card+face'] as const;
/** An identity requirement. */
export type IdentityRequirement = (typeof identityRequirements)[number];

/** Form field kinds; the renderer picks an input control and keyboard from these. */
export const fieldTypes = ['text', 'textarea', 'digits', 'phone', 'date', 'select', 'checkbox'] as const;
/** A form field kind. */
export type FieldType = (typeof fieldTypes)[number];

/** The ID card fields a form field may be pre-filled from (only on services that read the card). */
export const prefillSources = [
  'name',
  'sex',
  'birthDate',
  'idNumber',
  'address',
  'nationality',
  'englishName',
  'passNumber',
] as const;
/** A card field used for prefill. */
export type PrefillSource = (typeof prefillSources)[number];

/** Which on-screen keyboard a field opens. */
export const inputMethods = ['digits', 'letters', 'chinese', 'any'] as const;
/** An on-screen keyboard kind. */
export type InputMethod = (typeof inputMethods)[number];

/** Documents a service can produce. */
export const outputKinds = ['receipt', 'certificate', 'letter-copy'] as const;
/** A produced document kind. */
export type OutputKind = (typeof outputKinds)[number];

/** The certificate layouts the kiosk can render. */
export const certificateTemplates = ['household-registration', 'no-criminal-record'] as const;
/** A certificate layout. */
export type CertificateTemplate = (typeof certificateTemplates)[number];

/** Service promise milestones, e.g. a mailbox letter is signed for, answered, first feedback given. */
export const promiseKinds = ['signed', 'answered', 'first-feedback', 'processed'] as const;
/** A service promise milestone. */
export type PromiseKind = (typeof promiseKinds)[number];

/** How prominently an idle-screen notice is shown. */
export const noticeSeverities = ['info', 'warning', 'critical'] as const;
/** A notice severity. */
export type NoticeSeverity = (typeof noticeSeverities)[number];

/** One choice of a select field. */
export const selectOptionSchema = z.strictObject({
  value: fieldId,
  label: localizedTextSchema,
});
/** One choice of a select field. */
export type CatalogSelectOption = z.infer<typeof selectOptionSchema>;

/**
 * Value constraints. `pattern` is matched against the whole value (see {@link fieldPatternRegExp});
 * `minLength`/`maxLength` count characters; `min`/`max` bound the numeric value of a `digits` field.
 */
export const fieldValidationSchema = z.strictObject({
  minLength: z.number().int().nonnegative().max(10_000).optional(),
  maxLength: z.number().int().positive().max(10_000).optional(),
  pattern: z.string().min(1).max(500).optional(),
  min: z.number().finite().optional(),
  max: z.number().finite().optional(),
});
/** Value constraints of a form field. */
export type CatalogFieldValidation = z.infer<typeof fieldValidationSchema>;

/** One form field. */
export const fieldSchema = z.strictObject({
  id: fieldId,
  type: z.enum(fieldTypes),
  label: localizedTextSchema,
  hint: localizedTextSchema.optional(),
  required: z.boolean(),
  validation: fieldValidationSchema.optional(),
  /** Required (non-empty) for `select`, not allowed otherwise. */
  options: z.array(selectOptionSchema).max(100).optional(),
  prefill: z.enum(prefillSources).optional(),
  inputMethod: z.enum(inputMethods).optional(),
});
/** One form field. */
export type CatalogField = z.infer<typeof fieldSchema>;

/** A document the citizen has to present or the kiosk has to capture (photo, scanned paper). */
export const requiredDocumentSchema = z.strictObject({
  id: fieldId,
  name: localizedTextSchema,
  kind: z.enum(['photo', 'document']),
  optional: z.boolean(),
});
/** A document a service needs. */
export type CatalogRequiredDocument = z.infer<typeof requiredDocumentSchema>;

/** A fee in yuan (CNY); `null` on the service means free of charge. */
export const feeSchema = z.strictObject({
  amount: z.number().finite().nonnegative().max(1_000_000),
  note: localizedTextSchema.optional(),
});
/** A fee in yuan. */
export type CatalogFee = z.infer<typeof feeSchema>;

/** A service promise shown to the citizen and printed on the receipt. */
export const servicePromiseSchema = z.strictObject({
  kind: z.enum(promiseKinds),
  withinMinutes: z.number().int().positive().max(525_600),
  text: localizedTextSchema,
});
/** A service promise. */
export type CatalogPromise = z.infer<typeof servicePromiseSchema>;

const clockTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time like "08:30"');

/** Opening hours: ISO weekdays (1 = Monday … 7 = Sunday), from inclusive, to exclusive, kiosk local time. */
export const openingHoursSchema = z.strictObject({
  days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  from: clockTime,
  to: clockTime,
});
/** One opening-hours rule. */
export type CatalogOpeningHours = z.infer<typeof openingHoursSchema>;

/** When and where a service is offered. Absent hours = always; absent or empty kiosk groups = every kiosk. */
export const availabilitySchema = z.strictObject({
  hours: z.array(openingHoursSchema).max(20).optional(),
  kioskGroups: z.array(slug).max(50).optional(),
});
/** When and where a service is offered. */
export type CatalogAvailability = z.infer<typeof availabilitySchema>;

/**
 * A service that needs a certificate photo (证件照) taken at the kiosk: the photo's size and head rules (absent =
 * the kiosk's default, 358×441) and where a citizen who does not want it taken here goes instead, said on the
 * consent screen (e.g. "bring a photo to the exit-entry counter"). Only on services that read the ID card.
 */
export const certificatePhotoSchema = z.strictObject({
  spec: photoSpecSchema.optional(),
  alternative: localizedTextSchema,
});
/** A service's certificate photo requirement. */
export type CatalogCertificatePhoto = z.infer<typeof certificatePhotoSchema>;

/** One service the citizen can choose. */
export const serviceSchema = z.strictObject({
  id: slug,
  name: localizedTextSchema,
  description: localizedTextSchema,
  category: slug,
  identity: z.enum(identityRequirements),
  /** Non-empty when identity is not `none`. */
  eligibleCardTypes: z.array(z.enum(cardTypes)).max(cardTypes.length),
  /** Expired cards: refused (absent = `refuse`) or accepted with a notice. Only on services that read the card. */
  cardExpiry: z.enum(cardExpiryPolicies).optional(),
  /** A certificate photo taken at the kiosk, with the citizen's consent (see {@link certificatePhotoSchema}). */
  certificatePhoto: certificatePhotoSchema.optional(),
  form: z.strictObject({ fields: z.array(fieldSchema).max(60) }),
  requiredDocuments: z.array(requiredDocumentSchema).max(20),
  fee: feeSchema.nullable(),
  outputs: z.array(z.enum(outputKinds)).min(1).max(outputKinds.length),
  /** Required when outputs include `certificate`, not allowed otherwise. */
  certificateTemplate: z.enum(certificateTemplates).optional(),
  promises: z.array(servicePromiseSchema).max(10),
  /** Urgent services (missing persons) are sent to the central system at once, ahead of everything else. */
  urgent: z.boolean(),
  availability: availabilitySchema,
  order: z.number().int().min(0).max(1_000_000),
  icon: iconSchema,
});
/** One service. */
export type CatalogService = z.infer<typeof serviceSchema>;

/** A group of services on the home screen. */
export const categorySchema = z.strictObject({
  id: slug,
  name: localizedTextSchema,
  description: localizedTextSchema.optional(),
  icon: iconSchema,
  order: z.number().int().min(0).max(1_000_000),
});
/** A home-screen category. */
export type CatalogCategory = z.infer<typeof categorySchema>;

/** A set of kiosks (e.g. those in a Hong Kong/Macao residents' zone) that services can be limited to. */
export const kioskGroupSchema = z.strictObject({
  id: slug,
  name: localizedTextSchema,
  description: localizedTextSchema,
});
/** A kiosk group. */
export type CatalogKioskGroup = z.infer<typeof kioskGroupSchema>;

/** An idle-screen notice, e.g. an anti-fraud warning. */
export const noticeSchema = z.strictObject({
  id: slug,
  title: localizedTextSchema,
  body: localizedTextSchema,
  severity: z.enum(noticeSeverities),
});
/** An idle-screen notice. */
export type CatalogNotice = z.infer<typeof noticeSchema>;

const isoDateTime = z.iso.datetime({ offset: true });

/** The structural catalog document, without cross-field rules (exported to JSON Schema). */
export const catalogStructureSchema = z.strictObject({
  /** Lets authors point their editor at catalog.schema.json; ignored by the kiosk. */
  $schema: z.string().max(500).optional(),
  schemaVersion: z.literal(1),
  /** Monotonic: a kiosk never applies a version lower than or equal to the one it has. */
  version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  issuedAt: isoDateTime,
  expiresAt: isoDateTime,
  /** Demonstration data: the kiosk marks screens and receipts accordingly. */
  demonstration: z.boolean(),
  publisher: z.string().trim().min(1).max(200),
  categories: z.array(categorySchema).min(1).max(100),
  services: z.array(serviceSchema).min(1).max(2000),
  kioskGroups: z.array(kioskGroupSchema).max(100),
  notices: z.array(noticeSchema).max(50),
  /**
   * The kiosks this catalog is for (inside the signed content, so it cannot be widened): listed ids, or members
   * of listed groups. Absent = every kiosk. A kiosk outside the audience refuses the catalog (`audience`).
   */
  audience: z
    .strictObject({
      // The same form as the central API's kiosk ids (e.g. "SZ-FT-0012").
      kioskIds: z
        .array(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 of A-Z a-z 0-9 . _ -'))
        .max(1000)
        .optional(),
      kioskGroups: z.array(slug).max(100).optional(),
    })
    .refine((a) => (a.kioskIds?.length ?? 0) + (a.kioskGroups?.length ?? 0) > 0, {
      message: 'an audience names at least one kiosk id or kiosk group',
    })
    .optional(),
});

export { fieldPatternRegExp };

type Path = (string | number)[];
type AddIssue = (path: Path, message: string) => void;

function checkUnique(items: readonly { id: string }[], base: Path, what: string, add: AddIssue): void {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const first = seen.get(item.id);
    if (first !== undefined)
      add([...base, index, 'id'], `duplicate ${what} id "${item.id}" (first at index ${first})`);
    else seen.set(item.id, index);
  });
}

function checkField(field: CatalogField, path: Path, identity: IdentityRequirement, add: AddIssue): void {
  if (field.type === 'select') {
    if (!field.options || field.options.length === 0)
      add([...path, 'options'], 'a select field needs options');
    else {
      const seen = new Set<string>();
      field.options.forEach((option, i) => {
        if (seen.has(option.value))
          add([...path, 'options', i, 'value'], `duplicate option value "${option.value}"`);
        seen.add(option.value);
      });
    }
  } else if (field.options !== undefined) {
    add([...path, 'options'], `options are only allowed on select fields, not on "${field.type}"`);
  }
  if (field.prefill !== undefined && identity === 'none') {
    add([...path, 'prefill'], 'prefill needs a service that reads the ID card (identity is "none")');
  }
  const v = field.validation;
  if (v) {
    if (v.pattern !== undefined) {
      try {
        fieldPatternRegExp(v.pattern);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        add([...path, 'validation', 'pattern'], `pattern does not compile: ${reason}`);
      }
    }
    if (v.minLength !== undefined && v.maxLength !== undefined && v.minLength > v.maxLength) {
      add([...path, 'validation', 'minLength'], 'minLength is greater than maxLength');
    }
    if (v.min !== undefined && v.max !== undefined && v.min > v.max) {
      add([...path, 'validation', 'min'], 'min is greater than max');
    }
    if ((v.min !== undefined || v.max !== undefined) && field.type !== 'digits') {
      add(
        [...path, 'validation', v.min !== undefined ? 'min' : 'max'],
        'min/max only apply to digits fields',
      );
    }
  }
}

function checkService(
  service: CatalogService,
  path: Path,
  categoryIds: ReadonlySet<string>,
  groupIds: ReadonlySet<string>,
  add: AddIssue,
): void {
  if (!categoryIds.has(service.category))
    add([...path, 'category'], `unknown category "${service.category}"`);
  if (service.identity !== 'none' && service.eligibleCardTypes.length === 0) {
    add(
      [...path, 'eligibleCardTypes'],
      'a service that reads the ID card needs at least one eligible card type',
    );
  }
  if (service.identity === 'none' && service.cardExpiry !== undefined) {
    add([...path, 'cardExpiry'], 'cardExpiry needs a service that reads the ID card (identity is "none")');
  }
  if (service.identity === 'none' && service.certificatePhoto !== undefined) {
    add(
      [...path, 'certificatePhoto'],
      'certificatePhoto needs a service that reads the ID card (identity is "none")',
    );
  }
  if (new Set(service.eligibleCardTypes).size !== service.eligibleCardTypes.length) {
    add([...path, 'eligibleCardTypes'], 'card types are listed more than once');
  }
  checkUnique(service.form.fields, [...path, 'form', 'fields'], 'field', add);
  service.form.fields.forEach((f, i) => checkField(f, [...path, 'form', 'fields', i], service.identity, add));
  checkUnique(service.requiredDocuments, [...path, 'requiredDocuments'], 'document', add);
  if (new Set(service.outputs).size !== service.outputs.length) {
    add([...path, 'outputs'], 'outputs are listed more than once');
  }
  const makesCertificate = service.outputs.includes('certificate');
  if (makesCertificate && service.certificateTemplate === undefined) {
    add(
      [...path, 'certificateTemplate'],
      'a service whose outputs include "certificate" needs a certificateTemplate',
    );
  }
  if (!makesCertificate && service.certificateTemplate !== undefined) {
    add(
      [...path, 'certificateTemplate'],
      'certificateTemplate is only allowed when outputs include "certificate"',
    );
  }
  service.availability.hours?.forEach((h, i) => {
    if (h.from >= h.to)
      add([...path, 'availability', 'hours', i, 'to'], `"to" (${h.to}) must be after "from" (${h.from})`);
    if (new Set(h.days).size !== h.days.length)
      add([...path, 'availability', 'hours', i, 'days'], 'days are listed more than once');
  });
  service.availability.kioskGroups?.forEach((g, i) => {
    if (!groupIds.has(g)) add([...path, 'availability', 'kioskGroups', i], `unknown kiosk group "${g}"`);
  });
}

/** The full catalog schema: structure plus cross-field rules (unique ids, references, patterns, dates). */
export const catalogSchema = catalogStructureSchema.superRefine((doc, ctx) => {
  const add: AddIssue = (path, message) => ctx.addIssue({ code: 'custom', path, message });
  if (Date.parse(doc.expiresAt) <= Date.parse(doc.issuedAt))
    add(['expiresAt'], 'expiresAt must be after issuedAt');
  checkUnique(doc.categories, ['categories'], 'category', add);
  checkUnique(doc.services, ['services'], 'service', add);
  checkUnique(doc.kioskGroups, ['kioskGroups'], 'kiosk group', add);
  checkUnique(doc.notices, ['notices'], 'notice', add);
  const categoryIds = new Set(doc.categories.map((c) => c.id));
  const groupIds = new Set(doc.kioskGroups.map((g) => g.id));
  doc.services.forEach((s, i) => checkService(s, ['services', i], categoryIds, groupIds, add));
});

/** A validated service catalog. */
export type Catalog = z.infer<typeof catalogSchema>;

/** One validation problem, with its JSON path like `services[3].form.fields[0].label.en`. */
export interface CatalogValidationError {
  readonly path: string;
  readonly message: string;
}

/** Why a document is no valid catalog: every problem, each with its path. */
export interface CatalogInvalid {
  readonly code: 'invalid-catalog';
  readonly errors: readonly CatalogValidationError[];
}

/** The outcome of {@link validateCatalog}: the catalog, or every problem found. */
export type CatalogValidationResult = Result<Catalog, CatalogInvalid>;

/** Formats a path as `services[3].form.fields[0].label.en`; the document itself is `(root)`. */
export function formatCatalogPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Validates an untrusted JSON value as a catalog. Every problem is reported with its path; unknown keys are
 * errors (they are usually typos that would otherwise be silently ignored).
 */
export function validateCatalog(json: unknown): CatalogValidationResult {
  const parsed = catalogSchema.safeParse(json);
  if (parsed.success) return ok(parsed.data);
  const errors = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return { path: formatCatalogPath(issue.path), message: `unknown key(s): ${issue.keys.join(', ')}` };
    }
    return { path: formatCatalogPath(issue.path), message: issue.message };
  });
  return err({ code: 'invalid-catalog', errors });
}

/** The JSON Schema (draft 2020-12) for catalog authors, generated from {@link catalogStructureSchema}. */
export function catalogJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(catalogStructureSchema, { target: 'draft-2020-12', io: 'input' });
  return {
    ...schema,
    $id: 'https://smart-police-booth.invalid/schemas/catalog.schema.json',
    title: 'Smart Police Booth service catalog',
    description:
      'Structural schema of a service catalog (schemaVersion 1). Cross-field rules (unique ids, category and ' +
      'kiosk group references, select options, prefill only on identity services, regex patterns, ' +
      'expiresAt > issuedAt) are checked by `booth catalog validate`.',
  };
}

/** {@link catalogJsonSchema} as the text of resources/catalog/catalog.schema.json (2-space indent, final newline). */
export function catalogJsonSchemaText(): string {
  return JSON.stringify(catalogJsonSchema(), null, 2) + '\n';
}
