/** `get-token-stats` -> `GetTokenStats`: construct ids derived from folder and key names. */
export function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_match, _dash, letter: string) => letter.toUpperCase());
}
