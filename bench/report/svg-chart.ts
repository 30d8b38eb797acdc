/**
 * A hand-written SVG: upstream logins per strategy per scenario, grouped bars on a log scale whose
 * base is 0.5, so a single login still shows as a bar (0 is a flat mark at the base, n/a a dot).
 * Ours carries its number on top.
 */
import { machineLine } from '../environment/machine';
import { STRATEGY_IDS, STRATEGY_LABELS, type StrategyId } from '../strategies';
import type { BenchReport } from './bench-report';

const COLORS: Readonly<Record<StrategyId, string>> = {
  'no-cache': '#d62728',
  'process-single-flight': '#ff7f0e',
  'process-ttl': '#bcbd22',
  'original-db': '#9467bd',
  'fleet-cache': '#2ca02c',
};

const BAR = 11;
const GROUP_GAP = 16;
const LEFT = 70;
const TOP = 60;
const PLOT_HEIGHT = 300;
const BOTTOM = 120;
const LEGEND_COLUMNS = 3;
const LEGEND_COLUMN_WIDTH = 280;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function renderLoginsChart(report: BenchReport): string {
  const strategies = STRATEGY_IDS.filter((id) => report.strategies.includes(id));
  const groupWidth = strategies.length * BAR + GROUP_GAP;
  const width = Math.max(
    LEFT + report.scenarios.length * groupWidth + 110,
    LEFT + LEGEND_COLUMNS * LEGEND_COLUMN_WIDTH,
  );
  const legendTop = TOP + PLOT_HEIGHT + BOTTOM;
  const height = legendTop + Math.ceil(strategies.length / LEGEND_COLUMNS) * 20 + 10;
  const values = report.scenarios.flatMap((scenario) =>
    scenario.strategies.flatMap((entry) => (entry.applicable ? [entry.logins] : [])),
  );
  const decades = Math.max(1, Math.ceil(Math.log10(Math.max(10, ...values))));
  const base = Math.log10(0.5);
  const y = (value: number) =>
    TOP + PLOT_HEIGHT - ((Math.log10(Math.max(0.5, value)) - base) / (decades - base)) * PLOT_HEIGHT;
  const parts: string[] = [];

  parts.push(
    `<text x="${LEFT}" y="24" font-size="16" font-weight="bold">Upstream logins per scenario (log scale; lower is better)</text>`,
    `<text x="${LEFT}" y="42" font-size="11" fill="#555">${escapeXml(
      `${report.quick ? 'quick' : 'full'} run, ${machineLine(report.machine)}`,
    )}</text>`,
  );
  for (let decade = 0; decade <= decades; decade++) {
    const at = y(10 ** decade);
    parts.push(
      `<line x1="${LEFT}" y1="${at}" x2="${width - 20}" y2="${at}" stroke="#ddd"/>`,
      `<text x="${LEFT - 8}" y="${at + 4}" font-size="11" text-anchor="end">${(10 ** decade).toLocaleString('en-US')}</text>`,
    );
  }
  parts.push(
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + PLOT_HEIGHT}" stroke="#333"/>`,
    `<text transform="translate(18 ${TOP + PLOT_HEIGHT / 2}) rotate(-90)" font-size="12" text-anchor="middle">logins</text>`,
  );

  report.scenarios.forEach((scenario, group) => {
    const groupX = LEFT + 8 + group * groupWidth;
    strategies.forEach((strategy, slot) => {
      const entry = scenario.strategies.find((figures) => figures.strategy === strategy);
      const x = groupX + slot * BAR;
      if (entry === undefined || !entry.applicable) {
        parts.push(`<circle cx="${x + BAR / 2}" cy="${TOP + PLOT_HEIGHT - 4}" r="1.5" fill="#999"/>`);
        return;
      }
      const top = entry.logins === 0 ? TOP + PLOT_HEIGHT - 2 : y(entry.logins);
      const barHeight = Math.max(2, TOP + PLOT_HEIGHT - top);
      if (strategy === 'fleet-cache') {
        parts.push(
          `<text x="${x + BAR / 2 - 1}" y="${TOP + PLOT_HEIGHT - barHeight - 3}" font-size="9" text-anchor="middle">${entry.logins}</text>`,
        );
      }
      parts.push(
        `<rect x="${x}" y="${TOP + PLOT_HEIGHT - barHeight}" width="${BAR - 2}" height="${barHeight}" fill="${COLORS[strategy]}">` +
          `<title>${escapeXml(`${scenario.id} / ${STRATEGY_LABELS[strategy]}: ${entry.logins} logins`)}</title></rect>`,
      );
    });
    const labelX = groupX + (strategies.length * BAR) / 2;
    parts.push(
      `<text transform="translate(${labelX} ${TOP + PLOT_HEIGHT + 12}) rotate(35)" font-size="11">${escapeXml(scenario.id)}</text>`,
    );
  });

  strategies.forEach((strategy, index) => {
    const x = LEFT + (index % LEGEND_COLUMNS) * LEGEND_COLUMN_WIDTH;
    const top = legendTop + Math.floor(index / LEGEND_COLUMNS) * 20;
    parts.push(
      `<rect x="${x}" y="${top}" width="12" height="12" fill="${COLORS[strategy]}"/>`,
      `<text x="${x + 18}" y="${top + 10}" font-size="12">${escapeXml(STRATEGY_LABELS[strategy])}</text>`,
    );
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
