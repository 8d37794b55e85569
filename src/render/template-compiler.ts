/**
 * The build's template compiler: Handlebars templates (parsed by Handlebars itself) into the
 * data of src/render/template-format.ts, which src/render/template-runtime.ts renders with the
 * same bytes as Handlebars, compiled with `{ noEscape: true, strict: true }`, gives.
 *
 * Handlebars stays the template language: its parser reads the templates (whitespace control
 * and standalone lines included) and test/unit/precompiled.test.ts renders every template
 * both ways. This compiler accepts the part of the language the runtime implements, and stops
 * the build on anything else (a helper other than if/unless/each/with, parameters of a partial,
 * sub-expressions, block parameters, decorators ...), naming the template and the line.
 *
 * Run by the build (scripts/precompile-templates.mjs) and by tests; never shipped. It imports
 * nothing at run time: the Handlebars parser is passed in.
 */
// The types of Handlebars' AST (the global namespace `hbs`) come with its declarations.
import type {} from 'handlebars';
import {
  BLOCK,
  BLOCK_HELPERS,
  DATA_NAMES,
  isTemplateFile,
  OUTPUT,
  OUTPUT_DATA,
  outputPathOf,
  PARTIAL,
  PARTIALS_LAYER,
  partialName,
  type ContextPath,
  type DataPath,
  type LayerIndex,
  type Node,
  type Program,
} from './template-format.js';

export type Parse = (source: string) => hbs.AST.Program;

/**
 * Helpers Handlebars registers: `{{name}}` calls the helper when the context has a value of
 * that name too, so a value may not be named like one.
 */
const HANDLEBARS_HELPERS = new Set(['if', 'unless', 'each', 'with', 'log', 'lookup', 'helperMissing', 'blockHelperMissing']);

export class TemplateCompileError extends Error {}

/** The text of a layer, each piece once, and the pieces' lengths. */
class TextPool {
  private readonly chunks: string[] = [];
  private readonly known = new Map<string, number>();
  readonly lengths: number[] = [];

  piece(text: string): number {
    let index = this.known.get(text);
    if (index === undefined) {
      index = this.lengths.length;
      this.lengths.push(text.length);
      this.chunks.push(text);
      this.known.set(text, index);
    }
    return index;
  }

  get text(): string {
    return this.chunks.join('');
  }
}

/** Compiles one template's AST; `where` names it in errors. */
class ProgramCompiler {
  constructor(
    private readonly where: string,
    private readonly pool: TextPool,
    private readonly partials: ReadonlySet<string> | undefined,
  ) {}

  private fail(node: hbs.AST.Node, message: string): never {
    const line = node.loc ? `:${node.loc.start.line}:${node.loc.start.column + 1}` : '';
    throw new TemplateCompileError(`${this.where}${line}: ${message} (not supported by src/render/template-runtime.ts)`);
  }

  program(program: hbs.AST.Program | undefined): Program {
    const nodes: Program = [];
    if (!program) return nodes;
    if (program.blockParams?.length) this.fail(program, 'block parameters');
    let text = '';
    const flush = () => {
      if (text !== '') nodes.push(this.pool.piece(text));
      text = '';
    };
    for (const statement of program.body) {
      switch (statement.type) {
        case 'ContentStatement':
          text += (statement as hbs.AST.ContentStatement).value;
          break;
        case 'CommentStatement':
          break;
        case 'MustacheStatement':
          flush();
          nodes.push(this.mustache(statement as hbs.AST.MustacheStatement));
          break;
        case 'BlockStatement':
          flush();
          nodes.push(this.block(statement as hbs.AST.BlockStatement));
          break;
        case 'PartialStatement':
          flush();
          nodes.push(this.partial(statement as hbs.AST.PartialStatement));
          break;
        default:
          this.fail(statement, `${statement.type}`);
      }
    }
    flush();
    return nodes;
  }

  private noArguments(node: hbs.AST.Node, params: hbs.AST.Expression[], hash: hbs.AST.Hash | undefined, what: string): void {
    if (params.length > 0) this.fail(node, `parameters of ${what}`);
    if (hash && hash.pairs.length > 0) this.fail(node, `hash arguments of ${what}`);
  }

  private path(expression: hbs.AST.Expression, node: hbs.AST.Node): ContextPath | DataPath {
    if (expression.type !== 'PathExpression') this.fail(node, `a ${expression.type} where a path is expected`);
    const path = expression as hbs.AST.PathExpression;
    if (path.data) {
      const name = path.parts.join('.');
      if (path.depth !== 0 || !DATA_NAMES.includes(name)) this.fail(node, `@${path.original.replace(/^@/, '')}`);
      return [name];
    }
    if (!Number.isInteger(path.depth) || path.depth < 0) this.fail(node, `the path ${path.original}`);
    for (const part of path.parts) {
      if (typeof part !== 'string' || part === '') this.fail(node, `the path ${path.original}`);
    }
    return [path.depth, [...path.parts]];
  }

  private mustache(mustache: hbs.AST.MustacheStatement): Node {
    this.noArguments(mustache, mustache.params, mustache.hash, `{{${pathText(mustache.path)}}}`);
    const path = this.path(mustache.path, mustache);
    if (path.length === 1) return [OUTPUT_DATA, path[0]];
    const [depth, parts] = path;
    // Handlebars calls a helper for a simple name (`{{each}}`) before it looks at the context.
    const simple = depth === 0 && parts.length === 1 && !isScoped(mustache.path as hbs.AST.PathExpression);
    if (simple && HANDLEBARS_HELPERS.has(parts[0]!)) this.fail(mustache, `{{${parts[0]}}}, the name of a Handlebars helper`);
    return [OUTPUT, depth, parts];
  }

  private block(block: hbs.AST.BlockStatement): Node {
    const name = pathText(block.path);
    const helper = BLOCK_HELPERS[name];
    if (block.path.type !== 'PathExpression' || helper === undefined || block.path.depth !== 0 || block.path.data) {
      this.fail(block, `the block {{#${name}}} (only #if, #unless, #each and #with)`);
    }
    if (block.params.length !== 1) this.fail(block, `{{#${name}}} with ${block.params.length} parameters (one is needed)`);
    if (block.hash && block.hash.pairs.length > 0) this.fail(block, `hash arguments of {{#${name}}}`);
    const program = this.program(block.program);
    const inverse = block.inverse ? this.program(block.inverse) : 0;
    return [BLOCK, helper, this.path(block.params[0]!, block), program, inverse];
  }

  private partial(partial: hbs.AST.PartialStatement): Node {
    if (partial.name.type !== 'PathExpression') this.fail(partial, 'a dynamic partial');
    const name = (partial.name as hbs.AST.PathExpression).original;
    this.noArguments(partial, partial.params, partial.hash, `{{> ${name}}}`);
    if (this.partials && !this.partials.has(name)) this.fail(partial, `the partial ${name}, which templates/partials does not have`);
    return [PARTIAL, name, partial.indent ?? ''];
  }
}

const pathText = (path: hbs.AST.PathExpression | hbs.AST.Literal): string =>
  path.type === 'PathExpression' ? (path as hbs.AST.PathExpression).original : String((path as unknown as { original: unknown }).original);

/** `this.name` and `./name` look at the context only, never for a helper. */
const isScoped = (path: hbs.AST.PathExpression): boolean => /^(\.|this\b)/.test(path.original);

export interface SourceFile {
  /** Path relative to the layer's folder (`app/models/__entity__.py.hbs`). */
  relative: string;
  source: string;
}

/**
 * One layer's file (template-format.ts) from its files, in the order given. `partials` are the
 * names a `{{> name}}` may use (unchecked when undefined).
 */
export function compileLayer(layer: string, files: SourceFile[], parse: Parse, partials?: ReadonlySet<string>): string {
  const pool = new TextPool();
  const entries: LayerIndex['f'] = files.map(({ relative, source }) => {
    const where = `templates/${layer}/${relative}`;
    if (layer === PARTIALS_LAYER) return [partialName(relative), compileTemplate(where, source, parse, pool, partials)];
    const outputPath = outputPathOf(relative);
    return [outputPath, isTemplateFile(relative) ? compileTemplate(where, source, parse, pool, partials) : pool.piece(source)];
  });
  const index: LayerIndex = { t: pool.lengths, f: entries };
  return `${JSON.stringify(index)}\n${pool.text}`;
}

function compileTemplate(where: string, source: string, parse: Parse, pool: TextPool, partials: ReadonlySet<string> | undefined): Program {
  let ast: hbs.AST.Program;
  try {
    ast = parse(source);
  } catch (error) {
    throw new TemplateCompileError(`${where}: ${(error as Error).message}`);
  }
  return new ProgramCompiler(where, pool, partials).program(ast);
}

/** What the build needs of the format besides the compiler. */
export { layerFile, PARTIALS_LAYER } from './template-format.js';
