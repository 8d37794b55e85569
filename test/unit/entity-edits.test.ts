/**
 * The edits add-entity makes to the files that list a service's entities, on every such file
 * of every framework, as the templates render them: exactly the new entity's lines are added,
 * hand edits around the anchors survive, a second run changes nothing, and a file whose anchor
 * is gone is refused. The primitives are checked on their own below.
 */
import { describe, expect, it } from 'vitest';
import { serviceContext, type ServiceContext, type ServiceRecord } from '../../src/context.js';
import { addEndpointRows, addServiceRoute } from '../../src/edits.js';
import { entityEdits, newEntityProblem } from '../../src/entities.js';
import { FRAMEWORKS, type Framework } from '../../src/frameworks.js';
import { addImport, addLineAfterLast, addListItem, naturalCompare } from '../../src/python-edits.js';
import { renderService } from '../../src/render/project.js';
import { pythonParseProblems } from '../helpers/plan.js';

const SETTINGS = { projectName: 'shop', pythonVersion: '3.12', packageManager: 'uv' as const };
const record = (framework: Framework, entity: string): ServiceRecord => ({ name: 'users', entity, framework, db: 'sqlite', port: 8001 });
const context = (framework: Framework, entity: string): ServiceContext => serviceContext(record(framework, entity), [record(framework, entity)], SETTINGS);

/** The files as a new project has them (first entity `user`), by project-relative path. */
const rendered = new Map(FRAMEWORKS.map((framework) => [framework, renderService(context(framework, 'user'))]));

type FileKind = 'models' | 'routes' | 'contracts';
const FILES: Record<FileKind, string> = {
  models: 'services/users/app/models/__init__.py',
  routes: 'services/users/app/api/v1/__init__.py',
  contracts: 'services/users/pyproject.toml',
};

/** The lines a new entity `order_item` adds, written out by hand per file and framework. */
const ADDED: Record<Framework, Record<FileKind, string[]>> = {
  fastapi: {
    models: ['from app.models.order_item import OrderItem', '    "OrderItem",'],
    routes: ['from app.api.v1.order_items import router as order_items_router', 'router.include_router(order_items_router)'],
    contracts: ['    "app.exceptions.order_item",'],
  },
  litestar: {
    models: ['from app.models.order_item import OrderItem', '    "OrderItem",'],
    routes: ['from app.api.v1.order_items import OrderItemController', '        OrderItemController,'],
    contracts: ['    "app.exceptions.order_item",'],
  },
};

/** Hand edits next to each anchor: comments, an entity written by hand, code after. */
const HAND_EDITS: Record<Framework, Record<FileKind, (text: string) => string>> = {
  fastapi: {
    models: (text) =>
      text
        .replace('from app.models.user import User', '# our own model, by hand\nfrom app.models.audit import Audit\nfrom app.models.user import User')
        .replace('    "User",\n', '    "User",\n    "Audit",  # by hand\n')
        .concat('\n# end of the models\n'),
    routes: (text) =>
      text
        .replace('from app.api.v1.users import', 'from app.api.v1.admin import router as admin_router\nfrom app.api.v1.users import')
        .replace('router.include_router(users_router)', 'router.include_router(users_router)\nrouter.include_router(admin_router)  # by hand')
        .concat('\n\ndef mounted() -> int:\n    return len(router.routes)\n'),
    contracts: (text) => text.replace('    "app.exceptions.request",\n', '    "app.exceptions.request",\n    # by hand: our audit errors\n    "app.exceptions.audit",\n'),
  },
  litestar: {
    models: (text) =>
      text
        .replace('from app.models.user import User', '# our own model, by hand\nfrom app.models.audit import Audit\nfrom app.models.user import User')
        .replace('    "User",\n', '    "User",\n    "Audit",  # by hand\n')
        .concat('\n# end of the models\n'),
    routes: (text) =>
      text
        .replace('from app.api.v1.users import UserController', 'from app.api.v1.admin import AdminController\nfrom app.api.v1.users import UserController')
        .replace('        UserController,\n', '        UserController,\n        AdminController,  # by hand\n')
        .replace('    path="/api/v1",', '    path="/api/v1",  # one version of the API'),
    contracts: (text) => text.replace('    "app.exceptions.request",\n', '    "app.exceptions.request",\n    # by hand: our audit errors\n    "app.exceptions.audit",\n'),
  },
};

/** Remove the anchor an edit needs: the file keeps working, but no longer as the template wrote it. */
const ANCHOR_REMOVALS: Record<Framework, Record<FileKind, Array<[string, (text: string) => string]>>> = {
  fastapi: {
    models: [
      ['the imports of app.models', (text) => text.replace(/^from app\.models\..*\n/gm, 'from app import models as _models  # noqa: F401\n')],
      ['__all__', (text) => text.replace(/__all__ = \[[^\]]*\]\n/, '')],
    ],
    routes: [
      ['the imports of app.api.v1', (text) => text.replace(/^from app\.api\.v1\..*\n/gm, '')],
      ['router.include_router', (text) => text.replace(/^router\.include_router\(.*\n/gm, 'ROUTERS = [users_router]\n')],
    ],
    contracts: [['the list of app.exceptions modules', (text) => text.replace(/^\s*"app\.exceptions\..*\n/gm, '')]],
  },
  litestar: {
    models: [
      ['the imports of app.models', (text) => text.replace(/^from app\.models\..*\n/gm, '')],
      ['__all__', (text) => text.replace(/__all__ = \[[^\]]*\]\n/, '__all__ = ("Base", "Entity", "User")\n')],
    ],
    routes: [
      ['the imports of app.api.v1', (text) => text.replace(/^from app\.api\.v1\..*\n/gm, '')],
      ['route_handlers', (text) => text.replace(/route_handlers=\[[^\]]*\]/, 'route_handlers=HANDLERS')],
    ],
    contracts: [['the list of app.exceptions modules', (text) => text.replace(/^\s*"app\.exceptions\..*\n/gm, '')]],
  },
};

/** Lines of `after` that are not in `before`, as a multiset difference. */
function addedLines(before: string, after: string): string[] {
  const remaining = before.split('\n');
  return after.split('\n').filter((line) => {
    const index = remaining.indexOf(line);
    if (index < 0) return true;
    remaining.splice(index, 1);
    return false;
  });
}

/** Whether every line of `before` is in `after`, in the same order. */
function keepsInOrder(before: string, after: string): boolean {
  const lines = after.split('\n');
  let cursor = 0;
  for (const line of before.split('\n')) {
    cursor = lines.indexOf(line, cursor);
    if (cursor < 0) return false;
    cursor++;
  }
  return true;
}

const editOf = (framework: Framework, kind: FileKind, entity = 'order_item') => {
  const edit = entityEdits(context(framework, entity)).find((candidate) => candidate.file === FILES[kind]);
  if (!edit) throw new Error(`no edit of ${FILES[kind]}`);
  return (text: string) => {
    const result = edit.edit(text);
    if (!result.ok) throw new Error(result.reason);
    return result.text;
  };
};

const ROWS = FRAMEWORKS.flatMap((framework) => (Object.keys(FILES) as FileKind[]).map((kind) => ({ framework, kind, file: FILES[kind] })));

describe.each(ROWS)('add-entity edits $file ($framework)', ({ framework, kind, file }) => {
  const original = rendered.get(framework)!.get(file)!;
  const edit = editOf(framework, kind);

  it('edits exactly the files that list entities: every edited file is rendered', () => {
    expect(entityEdits(context(framework, 'order_item')).map((candidate) => candidate.file).sort()).toEqual(Object.values(FILES).sort());
    expect(original).toBeDefined();
  });

  it("adds exactly the entity's lines, keeping every line in order", () => {
    const after = edit(original);
    expect(addedLines(original, after).sort()).toEqual([...ADDED[framework][kind]].sort());
    expect(keepsInOrder(original, after)).toBe(true);
  });

  it('keeps hand edits around the anchors', () => {
    const edited = HAND_EDITS[framework][kind](original);
    expect(edited).not.toBe(original);
    const after = edit(edited);
    expect(addedLines(edited, after).sort()).toEqual([...ADDED[framework][kind]].sort());
    expect(keepsInOrder(edited, after)).toBe(true);
  });

  it('changes nothing the second time, nor for the entity the file was rendered with', () => {
    const once = edit(original);
    expect(edit(once)).toBe(once);
    expect(editOf(framework, kind, 'user')(original)).toBe(original);
  });

  it('adds several entities, each once, imports in the order ruff sorts them', () => {
    let text = HAND_EDITS[framework][kind](original);
    for (const entity of ['zebra', 'address', 'item10', 'item2', 'order_item', 'a']) text = editOf(framework, kind, entity)(editOf(framework, kind, entity)(text));
    const modules = text
      .split('\n')
      .flatMap((line) => /^from (app\.(?:models|api\.v1)\.\w+) import/.exec(line)?.[1] ?? [])
      .filter((module) => module !== 'app.models.base');
    expect(modules).toEqual([...modules].sort(naturalCompare));
    expect(new Set(modules).size).toBe(modules.length);
  });

  it.each(ANCHOR_REMOVALS[framework][kind])('refuses without %s, naming what is gone', (_, remove) => {
    const broken = remove(original);
    expect(broken).not.toBe(original);
    const result = entityEdits(context(framework, 'order_item')).find((candidate) => candidate.file === file)!.edit(broken);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/gone|no longer|missing/);
  });
});

describe('edited files still parse', () => {
  it('as Python and TOML, with hand edits and several entities', () => {
    const files = new Map<string, string>();
    for (const { framework, kind, file } of ROWS) {
      let text = HAND_EDITS[framework][kind](rendered.get(framework)!.get(file)!);
      for (const entity of ['order_item', 'address', 'zebra']) text = editOf(framework, kind, entity)(text);
      files.set(`${framework}/${file}`, text);
    }
    expect(pythonParseProblems(files)).toEqual([]);
  });
});

describe('addListItem', () => {
  it.each([
    ['__all__ = ["Base", "User"]\n', '__all__ = ["Base", "User", "Order"]\n'],
    ['__all__ = []\n', '__all__ = ["Order"]\n'],
    ['__all__ = [\n    "Base",\n    "User"\n]\n', '__all__ = [\n    "Base",\n    "User",\n    "Order",\n]\n'],
    ['__all__ = [\n    "Base",\n    "User"  # last\n]\n', '__all__ = [\n    "Base",\n    "User",  # last\n    "Order",\n]\n'],
    ['__all__ = [\n]\n', '__all__ = [\n    "Order",\n]\n'],
  ])('adds an item to %j', (before, after) => {
    expect(addListItem(before, /^__all__ = \[/, '"Order"', '__all__')).toEqual({ ok: true, text: after });
    expect(addListItem(after, /^__all__ = \[/, '"Order"', '__all__')).toEqual({ ok: true, text: after });
  });

  it('refuses a one-line list that one more item would make longer than the formatter allows', () => {
    const long = `__all__ = [${Array.from({ length: 9 }, (_, index) => `"Model${index}"`).join(', ')}]\n`;
    expect(addListItem(long, /^__all__ = \[/, '"OrderItemLongName"', '__all__')).toMatchObject({ ok: false, reason: expect.stringMatching(/one item per line/) });
  });

  it('refuses a list it finds twice, or not at all', () => {
    expect(addListItem('__all__ = [\n]\n__all__ = [\n]\n', /^__all__ = \[/, '"A"', '__all__').ok).toBe(false);
    expect(addListItem('x = 1\n', /^__all__ = \[/, '"A"', '__all__').ok).toBe(false);
  });
});

describe('addImport and addLineAfterLast', () => {
  it('puts the import after a multi-line import and its comments, in order', () => {
    const text = 'import os\n\nfrom app.api.v1.a import (\n    router as a_router,\n)\n# c comes last\nfrom app.api.v1.c import router as c_router\n';
    const result = addImport(text, 'from app.api.v1.b import router as b_router', 'app.api.v1');
    expect(result).toEqual({ ok: true, text: text.replace('# c comes last', 'from app.api.v1.b import router as b_router\n# c comes last') });
  });

  it('sees a name already imported in a parenthesised import', () => {
    const text = 'from app.models.order import (\n    Order,\n)\nfrom app.models.user import User\n';
    expect(addImport(text, 'from app.models.order import Order', 'app.models')).toEqual({ ok: true, text });
  });

  it('adds a line after the last anchor line, once', () => {
    const text = 'r.add(a)\nr.add(b)\n\nprint(r)\n';
    const once = addLineAfterLast(text, /^r\.add\(/, 'r.add(c)', 'r.add');
    expect(once).toEqual({ ok: true, text: 'r.add(a)\nr.add(b)\nr.add(c)\n\nprint(r)\n' });
    expect(addLineAfterLast(once.ok ? once.text : '', /^r\.add\(/, 'r.add(c)', 'r.add')).toEqual(once);
  });
});

describe('naturalCompare', () => {
  // The order ruff's isort gave these module names (checked once with ruff 0.14).
  it('orders names as ruff does', () => {
    const sorted = ['a', 'a001', 'a01', 'a1', 'a_1', 'address', 'b2b', 'b10b', 'item0', 'item00', 'o9', 'o_a', 'oa', 'order', 'order_item', 'orders', 'user', 'user2', 'user10', 'user_2', 'user_x', 'users', 'x1y2', 'x1y10', 'x10y1'];
    expect([...sorted].reverse().sort(naturalCompare)).toEqual(sorted);
  });
});

describe('newEntityProblem', () => {
  const tables = new Map([['audits', 'services/users/app/models/audit_log.py']]);
  it.each([
    ['user', /already has the entity "user"/],
    ['item_2', /class name Item2, like the entity "item2"/],
    ['indice', /plural "indices".*like the entity "index"/],
    ['audit', /table "audits", which services\/users\/app\/models\/audit_log\.py already defines/],
    ['class', /Python keyword/],
    ['base', /clashes with/],
    ['Order', /not a valid entity name/],
  ])('refuses %s', (entity, message) => {
    expect(newEntityProblem(entity, 'users', ['user', 'item2', 'index'], tables)).toMatch(message);
  });

  it('accepts a fresh name', () => {
    expect(newEntityProblem('order_item', 'users', ['user', 'item2', 'index'], tables)).toBeUndefined();
  });
});

describe('the README tables add-entity extends', () => {
  const serviceReadme = renderService(context('fastapi', 'user')).get('services/users/README.md')!;
  const rows = (plural: string) => `| \`GET /api/v1/${plural}/{id}\` | one |\n| \`DELETE /api/v1/${plural}/{id}\` | gone |\n`;

  it('puts the endpoint rows after the last API row, before health, and keeps rows added by hand', () => {
    const withOwn = serviceReadme.replace('| `GET /health` |', '| `POST /api/v1/users/import` | ours |\n| `GET /health` |');
    const result = addEndpointRows(withOwn, rows('invoices'));
    expect(result.ok).toBe(true);
    const text = (result as { text: string }).text;
    expect(text).toContain('| `POST /api/v1/users/import` | ours |\n| `GET /api/v1/invoices/{id}` | one |\n| `DELETE /api/v1/invoices/{id}` | gone |\n| `GET /health` |');
    // Nothing else moved.
    expect(text.replace(rows('invoices'), '')).toBe(withOwn);
  });

  it('starts the table when it lists no API route, and refuses a README without the table', () => {
    const bare = '# x\n\n| method and path | what it does |\n| --- | --- |\n| `GET /health` | up |\n';
    expect(addEndpointRows(bare, rows('invoices'))).toEqual({ ok: true, text: bare.replace('| --- | --- |\n', `| --- | --- |\n${rows('invoices')}`) });
    expect(addEndpointRows('# x\n', rows('invoices'))).toMatchObject({ ok: false, reason: expect.stringMatching(/table of endpoints/) });
  });

  const projectReadme = '| service | API | local URL | database |\n| --- | --- | --- | --- |\n| [users](services/users/README.md) | `/api/v1/users` | http://127.0.0.1:8001 | SQLite |\n| [users-archive](services/users-archive/README.md) | `/api/v1/archives` | http://127.0.0.1:8002 | SQLite |\n';
  it.each([
    ['users', '/api/v1/invoices', '| [users](services/users/README.md) | `/api/v1/users`, `/api/v1/invoices` | http://127.0.0.1:8001 | SQLite |'],
    ['users-archive', '/api/v1/boxes', '| [users-archive](services/users-archive/README.md) | `/api/v1/archives`, `/api/v1/boxes` | http://127.0.0.1:8002 | SQLite |'],
  ])('adds the route to the row of %s only, once', (service, route, row) => {
    const result = addServiceRoute(projectReadme, service, route);
    expect(result.ok).toBe(true);
    const text = (result as { text: string }).text;
    expect(text.split('\n').filter((line, index) => line !== projectReadme.split('\n')[index])).toEqual([row]);
    expect(addServiceRoute(text, service, route)).toEqual({ ok: true, text });
  });

  it('refuses a README without the table or without the row', () => {
    expect(addServiceRoute('# x\n', 'users', '/api/v1/invoices')).toMatchObject({ ok: false, reason: expect.stringMatching(/table of services/) });
    expect(addServiceRoute(projectReadme, 'billing', '/api/v1/invoices')).toMatchObject({ ok: false, reason: expect.stringMatching(/no row for billing/) });
  });
});
