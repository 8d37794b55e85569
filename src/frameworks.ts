/**
 * The HTTP frameworks a project can be built on, and what each means for a generated
 * service: its label and prompt hint, its Python dependencies, its template layer. This
 * module is the only place that names a framework: adding one is one entry of
 * FRAMEWORK_SPECS plus its overlay in templates/service/.
 */

export interface FrameworkSpec {
  /** The value of `--framework`, and the name of its overlay. */
  id: string;
  label: string;
  /** What the framework prompt says about it. */
  hint: string;
  /** Its import name: no service may be named like it and shadow it. */
  module: string;
  /** `[project] dependencies` it adds to a service. */
  dependencies: readonly string[];
  /** Its OpenTelemetry instrumentation package; the catalog pins it with the rest of the set. */
  instrumentation: string;
  /** What its tests need besides the common test tools. */
  testDependencies: readonly string[];
  /** Template layers it adds after service/base, in order; later ones win. */
  layers: readonly string[];
  /**
   * How app/api/v1/__init__.py (its overlay's template) mounts an entity's routes, so that
   * add-entity can mount one more: the import, and a line after the last such line or an
   * item of a list. `{plural}` and `{className}` stand for the entity's names.
   */
  routesRegistry: {
    import: string;
    /** `anchor` says in words what `afterLast` or `list` finds, for a message when it is gone. */
    mount: { afterLast: RegExp; line: string; anchor: string } | { list: RegExp; item: string; anchor: string };
  };
}

const FRAMEWORK_SPECS = [
  {
    id: 'fastapi',
    label: 'FastAPI',
    hint: 'Depends(), Pydantic everywhere',
    module: 'fastapi',
    // 0.121 added `Depends(..., scope="function")`, which the session dependency uses so
    // that the transaction is committed before the response is sent.
    // 0.137.2: `fastapi.routing.iter_route_contexts`, which gives the metrics the full path
    // template of a route included through routers.
    dependencies: ['fastapi>=0.137.2', 'uvicorn[standard]>=0.32'],
    instrumentation: 'opentelemetry-instrumentation-fastapi',
    testDependencies: ['asgi-lifespan>=2.1'],
    layers: ['service/fastapi'],
    routesRegistry: {
      import: 'from app.api.v1.{plural} import router as {plural}_router',
      mount: {
        afterLast: /^router\.include_router\(/,
        line: 'router.include_router({plural}_router)',
        anchor: 'the line router.include_router(...)',
      },
    },
  },
  {
    id: 'litestar',
    label: 'Litestar',
    hint: 'Provide(), controllers',
    module: 'litestar',
    // 2.23 added the explicit markers the routes use (`NamedDependency`, `JSONBody`); the
    // inferred forms they replace are deprecated and stop working in Litestar 3.
    dependencies: ['litestar>=2.23', 'uvicorn[standard]>=0.32'],
    // Litestar's OpenTelemetry plugin is built on the ASGI instrumentation.
    instrumentation: 'opentelemetry-instrumentation-asgi',
    // Its test client is built in.
    testDependencies: [],
    layers: ['service/litestar'],
    routesRegistry: {
      import: 'from app.api.v1.{plural} import {className}Controller',
      mount: { list: /^\s*route_handlers=\[/, item: '{className}Controller', anchor: 'the list route_handlers=[...]' },
    },
  },
] as const satisfies readonly FrameworkSpec[];

export type Framework = (typeof FRAMEWORK_SPECS)[number]['id'];

/** Every framework, in the order the flags' help and the prompt list them. */
export const FRAMEWORKS: readonly Framework[] = FRAMEWORK_SPECS.map((spec) => spec.id);
export const DEFAULT_FRAMEWORK: Framework = 'fastapi';

const SPECS: ReadonlyMap<string, FrameworkSpec> = new Map(FRAMEWORK_SPECS.map((spec) => [spec.id, spec]));

export const frameworkSpec = (framework: Framework): FrameworkSpec => SPECS.get(framework)!;

/** The import names of every framework, which service names must not shadow. */
export const frameworkModules = (): string[] => [...SPECS.values()].map((spec) => spec.module);
