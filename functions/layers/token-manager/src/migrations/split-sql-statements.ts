/**
 * Splits a migration file into single statements, because the Data API refuses multistatements.
 * Semicolons inside quotes, quoted identifiers, dollar-quoted bodies and comments do not split.
 */
export function splitSqlStatements(text: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const push = () => {
    const statement = current.trim();
    if (stripComments(statement).trim() !== '') statements.push(statement);
    current = '';
  };
  while (i < text.length) {
    const rest = text.slice(i);
    const quoted = /^(?:'(?:[^']|'')*'|"(?:[^"]|"")*")/.exec(rest);
    const dollar = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
    if (rest.startsWith('--')) {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      current += text.slice(i, stop);
      i = stop;
    } else if (rest.startsWith('/*')) {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      current += text.slice(i, stop);
      i = stop;
    } else if (quoted) {
      current += quoted[0];
      i += quoted[0].length;
    } else if (dollar) {
      const tag = dollar[0];
      const end = text.indexOf(tag, i + tag.length);
      const stop = end === -1 ? text.length : end + tag.length;
      current += text.slice(i, stop);
      i = stop;
    } else if (text[i] === ';') {
      push();
      i += 1;
    } else {
      current += text[i];
      i += 1;
    }
  }
  push();
  return statements;
}

function stripComments(statement: string): string {
  return statement.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}
