/**
 * The kinds of value a CDK context key may hold, as zod schemas. A value comes either from cdk.json
 * (JSON types) or from `-c key=value` (always a string), so each schema accepts both forms.
 */
import { z } from 'zod';

/** One context key: how a set value is checked, what is expected in words, and what unset gives. */
export interface ContextField<T> {
  readonly schema: z.ZodType<T>;
  /** Completes `"key" ...` in the error, e.g. `must be true or false`. */
  readonly expectation: string;
  readonly fallback: T;
}

const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;

/** `-c key=12` arrives as a string; "12abc", "1e3" and "" are refused, never guessed. */
function fromNumberText(value: unknown): unknown {
  return typeof value === 'string' && NUMBER_TEXT.test(value.trim()) ? Number(value) : value;
}

function isMultiple(value: number, step: number): boolean {
  const ratio = value / step;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

/** A number in [min, max] that is a multiple of `step` (1: a whole number). */
export function numberField(
  fallback: number,
  rule: { readonly min: number; readonly max: number; readonly step?: number },
): ContextField<number> {
  const step = rule.step ?? 1;
  const kind = step === 1 ? 'a whole number' : `a multiple of ${step}`;
  return {
    schema: z.preprocess(
      fromNumberText,
      z
        .number()
        .min(rule.min)
        .max(rule.max)
        .refine((value) => isMultiple(value, step)),
    ),
    expectation: `must be ${kind} between ${rule.min} and ${rule.max}`,
    fallback,
  };
}

/** A number that must be one of `allowed` (e.g. the retentions CloudWatch Logs accepts). */
export function numberChoiceField(fallback: number, allowed: readonly number[]): ContextField<number> {
  return {
    schema: z.preprocess(
      fromNumberText,
      z.number().refine((value) => allowed.includes(value)),
    ),
    expectation: `must be one of ${allowed.join(', ')}`,
    fallback,
  };
}

export function booleanField(fallback: boolean): ContextField<boolean> {
  return {
    schema: z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')]),
    expectation: 'must be true or false',
    fallback,
  };
}

export function choiceField<const T extends string>(
  choices: readonly [T, ...T[]],
  fallback: T,
): ContextField<T> {
  return {
    schema: z.custom<T>(
      (value) => typeof value === 'string' && (choices as readonly string[]).includes(value),
    ),
    expectation: `must be one of ${choices.join(', ')}`,
    fallback,
  };
}

/** A string matching `pattern`; `expectation` says in words what that is. */
export function textField(fallback: string, pattern: RegExp, expectation: string): ContextField<string> {
  return { schema: z.string().regex(pattern), expectation, fallback };
}

export function optionalTextField(pattern: RegExp, expectation: string): ContextField<string | undefined> {
  return { schema: z.string().regex(pattern), expectation, fallback: undefined };
}

/** A non-empty list of unique strings: a JSON array from cdk.json, or a comma-separated `-c` string. */
export function listField(
  fallback: readonly string[],
  pattern: RegExp,
  expectation: string,
): ContextField<readonly string[]> {
  return {
    schema: z.preprocess(
      (value) => (typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value),
      z
        .array(z.string().regex(pattern))
        .min(1)
        .refine((items) => new Set(items).size === items.length),
    ),
    expectation,
    fallback,
  };
}
