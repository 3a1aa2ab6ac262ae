/**
 * Renders a vega-lite spec to an SVG string with vega's headless renderer (`renderer: 'none'`), so it
 * runs in Node without `canvas` and in browsers alike. Text is measured by estimate when no canvas is
 * present, which is close enough for axis labels and legends.
 *
 * vega and vega-lite (≈18 MB with their dependencies) are loaded on the first render, not when
 * `privkit/mia` is imported: the `import()`s are literal, so bundlers split them into a chunk of their own.
 */
import type { Loader, View } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { PrivkitError } from '../../accountant/index.js';

type Renderer = readonly [typeof import('vega'), typeof import('vega-lite')];

let renderer: Promise<Renderer> | undefined;

/** vega and vega-lite, imported once, on first use; a failed import is retried on the next call. */
function loadRenderer(): Promise<Renderer> {
  renderer ??= Promise.all([import('vega'), import('vega-lite')]).catch((e: unknown) => {
    renderer = undefined;
    throw new PrivkitError(
      'MISSING_DEPENDENCY',
      `rendering a chart needs the npm packages "vega" and "vega-lite" (privkit dependencies), which could not be loaded: ${(e as Error).message} Reinstall privkit, or add them with \`npm install vega vega-lite\`.`,
      { packages: ['vega', 'vega-lite'] },
    );
  });
  return renderer;
}

/** Charts carry their data inline; a spec that asks for a file or URL is refused rather than fetched. */
const offline: Loader = {
  load: refuse,
  sanitize: refuse,
  http: refuse,
  file: refuse,
};

function refuse(uri: string): Promise<never> {
  return Promise.reject(
    new PrivkitError('INVALID_ARGUMENT', `chart specs must be self-contained (data inline in data.values, no images or links); got a reference to "${uri}".`, { uri }),
  );
}

/**
 * Compiles a vega-lite spec to vega, renders it headlessly, and returns the SVG markup. The root
 * `<svg>` always has a `viewBox`, so CSS `width: 100%; height: auto` scales it; the unused
 * `xmlns:xlink` declaration is dropped, so the only URI left is the SVG namespace.
 *
 * @param spec - a vega-lite spec with inline data, e.g. from {@link rocChart}.
 * @returns the `<svg …>…</svg>` markup.
 * @throws PrivkitError `INVALID_ARGUMENT` when the spec does not compile or render (the message
 *   carries vega's reason), or refers to external data, images or links (a `url` or `href` anywhere);
 *   `MISSING_DEPENDENCY` when vega or vega-lite cannot be loaded.
 * @example
 * ```ts
 * const svg = await renderSvg(lineChart([{ name: 'ε', x: [1, 2], y: [0.5, 0.9] }], { xTitle: 'Step', yTitle: 'ε' }));
 * ```
 */
export async function renderSvg(spec: object): Promise<string> {
  const [{ View, Warn, logger, parse }, { compile }] = await loadRenderer();
  let view: View | undefined;
  let svg: string;
  // vega reports dataflow errors (a failed load, a bad expression) to its logger and renders on;
  // collect them so that a broken chart fails instead of coming out empty.
  const errors: string[] = [];
  const log = logger(Warn, undefined, (method, level, args) => {
    if (method === 'error') errors.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    else console[method](level, ...args);
  });
  try {
    // vega tags the data objects it ingests; render a copy so the caller's spec stays as it was.
    const vgSpec = compile(structuredClone(spec) as TopLevelSpec).spec;
    const url = findUrl(vgSpec);
    if (url !== undefined) await refuse(url);
    view = new View(parse(vgSpec), { renderer: 'none', loader: offline, logger: log });
    svg = await view.toSVG();
  } catch (e) {
    if (e instanceof PrivkitError) throw e;
    throw new PrivkitError('INVALID_ARGUMENT', `the chart spec could not be rendered: ${(e as Error).message}`);
  } finally {
    view?.finalize();
  }
  if (errors.length > 0) throw new PrivkitError('INVALID_ARGUMENT', `the chart spec could not be rendered: ${errors.join('; ')}`);
  return withViewBox(svg);
}

/**
 * The first `url` (external data, an image) or `href` (a link) anywhere in a compiled vega spec.
 * Found before rendering, because vega resolves links after `toSVG` has returned.
 */
function findUrl(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const child of node) {
      const url = findUrl(child);
      if (url !== undefined) return url;
    }
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, child] of Object.entries(node)) {
      if (key === 'url' || key === 'href') return typeof child === 'string' ? child : JSON.stringify(child);
      const url = findUrl(child);
      if (url !== undefined) return url;
    }
  }
  return undefined;
}

function withViewBox(svg: string): string {
  const end = svg.indexOf('>');
  let root = svg.slice(0, end);
  let body = svg.slice(end);
  if (!/\sviewBox="/.test(root)) {
    const w = /\swidth="([\d.]+)"/.exec(root)?.[1];
    const h = /\sheight="([\d.]+)"/.exec(root)?.[1];
    if (w !== undefined && h !== undefined) root += ` viewBox="0 0 ${w} ${h}"`;
  }
  if (!body.includes('xlink:')) root = root.replace(/\sxmlns:xlink="[^"]*"/, '');
  return root + body;
}
