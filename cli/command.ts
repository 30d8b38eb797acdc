import type { ParseArgsConfig } from 'node:util';
import type { ApiClient } from './api-client';
import type { CliIo } from './io';
import type { StackLookup, TargetFlags } from './target';
import { UsageError } from './usage-error';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface CommandContext {
  readonly io: CliIo;
  /** `--json`: one JSON document on stdout, nothing else there. */
  readonly json: boolean;
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  readonly flags: TargetFlags;
  readonly lookup: StackLookup;
  /** The API client for the target, resolved on first use (commands without the API never need one). */
  api(): Promise<ApiClient>;
  /** Prints `human` (a table, a line) or, with `--json`, `data`. */
  print(human: string, data: unknown): void;
}

export interface Command {
  /** `companies add`, `stats`, ... */
  readonly name: string;
  /** Arguments after the name, for the help text: `<company_id> [--ttl SECONDS]`. */
  readonly usage: string;
  readonly summary: string;
  readonly options?: OptionSpecs;
  /** Returns the exit code. */
  run(context: CommandContext): Promise<number>;
}

/** The positional argument at `index`, or a usage error naming it. */
export function positional(context: CommandContext, index: number, name: string): string {
  const value = context.positionals[index];
  if (value === undefined || value === '') throw new UsageError(`Missing <${name}>`);
  return value;
}

/** A company id as the API takes it (the service validates it too; this catches typos early). */
export function companyIdArgument(context: CommandContext, index = 0): string {
  const value = positional(context, index, 'company_id');
  if (!/^\d{1,19}$/.test(value))
    throw new UsageError(`<company_id> must be a positive integer, got "${value}"`);
  return value;
}

/** A string option's value, if given. */
export function stringOption(context: CommandContext, name: string): string | undefined {
  const value = context.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A whole-number option within bounds. */
export function integerOption(
  context: CommandContext,
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  const value = stringOption(context, name);
  if (value === undefined) return undefined;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= bounds.min && number <= bounds.max)) {
    throw new UsageError(
      `--${name} must be a whole number from ${bounds.min} to ${bounds.max}, got "${value}"`,
    );
  }
  return number;
}

/** An API answer without its `success: true` envelope field, for printing. */
export function withoutSuccess(body: Record<string, unknown>): Record<string, unknown> {
  const { success: _success, ...rest } = body;
  return rest;
}
