// Writes one TypeScript file per dashboard of grafana/dashboards/ into build/, for `tsc --noEmit --strict`:
// the dashboard as @grafana/schema's Dashboard, and each timeseries and stat panel's options and field config as
// that panel plugin's published Options / FieldConfig (string enums read as their literal values, since JSON holds
// strings). An object literal checked against a type also fails on keys the type does not have (a misspelling).
import { readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, basename } from 'node:path';

const [dashboards, build] = process.argv.slice(2);
rmSync(build, { recursive: true, force: true });
mkdirSync(build, { recursive: true });
const plugin = (name, file) => `@grafana/schema/dist/esm/raw/composable/${name}/panelcfg/x/${file}_types.gen`;
const header = `import type { Dashboard } from '@grafana/schema';
import type * as TimeSeries from '${plugin('timeseries', 'TimeSeriesPanelCfg')}';
import type * as Stat from '${plugin('stat', 'StatPanelCfg')}';
// a string enum as the union of its values (JSON has "list", not LegendDisplayMode.List)
type Lit<T> = T extends string ? \`\${T}\` : T extends Array<infer U> ? Array<Lit<U>> : T extends object ? { [K in keyof T]: Lit<T[K]> } : T;
`;
const checked = { timeseries: ['TimeSeries.Options', 'TimeSeries.FieldConfig'], stat: ['Stat.Options', null] };
for (const file of readdirSync(dashboards).filter((f) => f.endsWith('.json')).sort()) {
  const json = JSON.parse(readFileSync(join(dashboards, file), 'utf8'));
  const lines = [header, `export const dashboard: Lit<Dashboard> = ${JSON.stringify(json, null, 2)};`];
  const panels = (json.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
  for (const p of panels) {
    const types = checked[p.type];
    if (p.type === 'row') continue;
    if (!types) throw new Error(`${file}: panel "${p.title}" has type ${p.type}; add its options type to typecheck.mjs`);
    lines.push(`export const options${p.id}: Lit<${types[0]}> = ${JSON.stringify(p.options)};`);
    if (types[1]) lines.push(`export const custom${p.id}: Lit<${types[1]}> = ${JSON.stringify(p.fieldConfig?.defaults?.custom ?? {})};`);
  }
  writeFileSync(join(build, basename(file, '.json') + '.ts'), lines.join('\n') + '\n');
}
