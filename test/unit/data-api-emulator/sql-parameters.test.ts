import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSqlTemplate, renderSqlTemplate } from '../../../local/data-api-emulator/sql-parameters';

const render = (sql: string): { text: string; names: readonly string[] } => {
  const template = parseSqlTemplate(sql);
  return { text: renderSqlTemplate(template, (index) => `$${index + 1}`).text, names: template.names };
};

describe('parseSqlTemplate', () => {
  it('turns :name parameters into $n in order of first use', () => {
    expect(render('SELECT * FROM t WHERE a = :alpha AND b = :beta')).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b = $2',
      names: ['alpha', 'beta'],
    });
  });

  it('reuses the same $n for a repeated name', () => {
    expect(render('SELECT :v, :w, :v')).toEqual({ text: 'SELECT $1, $2, $1', names: ['v', 'w'] });
  });

  it('leaves :: casts alone even when a parameter is named like the type', () => {
    expect(render('SELECT :date::date, created::date, x :: int FROM t')).toEqual({
      text: 'SELECT $1::date, created::date, x :: int FROM t',
      names: ['date'],
    });
  });

  it('ignores :name inside string literals, including escaped quotes and E-strings', () => {
    expect(render("SELECT ':name', 'it''s :x', E'\\' :y', :real")).toEqual({
      text: "SELECT ':name', 'it''s :x', E'\\' :y', $1",
      names: ['real'],
    });
  });

  it('ignores :name inside quoted identifiers', () => {
    expect(render('SELECT 1 AS ":label", "a "":b" FROM t WHERE c = :c').names).toEqual(['c']);
  });

  it('ignores :name inside dollar-quoted bodies', () => {
    const sql = 'DO $$ BEGIN PERFORM :a; END $$; SELECT $fn$ :b $fn$, $x$ $$ :c $$ $x$, :d';
    expect(render(sql).names).toEqual(['d']);
  });

  it('ignores :name inside line and nested block comments', () => {
    const sql = 'SELECT 1 -- :a\n, /* :b /* :c */ :d */ :e';
    expect(render(sql)).toEqual({ text: 'SELECT 1 -- :a\n, /* :b /* :c */ :d */ $1', names: ['e'] });
  });

  it('does not take array slice bounds for parameters', () => {
    expect(render('SELECT arr[lo:hi], arr[1:n], arr[:from : :to] FROM t')).toEqual({
      text: 'SELECT arr[lo:hi], arr[1:n], arr[$1 : $2] FROM t',
      names: ['from', 'to'],
    });
  });

  it('passes positional $1 through untouched (PostgreSQL rejects it later)', () => {
    expect(render('SELECT $1, :a')).toEqual({ text: 'SELECT $1, $1', names: ['a'] });
  });

  it('maps a position in the rendered SQL back to the source SQL', () => {
    const template = parseSqlTemplate('SELECT :longName + bad_column');
    const rendered = renderSqlTemplate(template, () => '($1::text)');
    const renderedPosition = rendered.text.indexOf('bad_column') + 1;
    expect(rendered.mapPosition(renderedPosition)).toBe(template.source.indexOf('bad_column') + 1);
    expect(rendered.mapPosition(rendered.text.indexOf('$1') + 1)).toBe(
      template.source.indexOf(':longName') + 1,
    );
  });

  it('renders back to the source when every parameter is rendered as :name', () => {
    const alphabet = fc.constantFrom(...'ab_1 :$\'"-/*\n;[]()E.'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (chars) => {
        const sql = chars.join('');
        const template = parseSqlTemplate(sql);
        expect(renderSqlTemplate(template, (index) => `:${template.names[index]}`).text).toBe(sql);
      }),
    );
  });
});
