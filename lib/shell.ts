/** Quotes one argument for bash (the shell CDK's local bundling runs command hooks in). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
