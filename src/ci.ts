/**
 * The CI files of a generated project (the GitHub Actions workflow and dependabot.yml):
 * what `create` writes and the edits `add-service` makes to them.
 */
import type { ServiceContext } from './context.js';
import type { EditResult } from './edits.js';
import { addServiceToDependabot, DEPENDABOT_FILE, renderDependabot } from './dependabot.js';
import type { PackageManager } from './options.js';
import { addServiceToWorkflow, renderWorkflow, WORKFLOW_FILE, type WorkflowInput } from './workflow.js';

interface CiEdit {
  file: string;
  edit: (text: string) => EditResult;
}

/** The CI files of a new project, path -> contents. */
export function renderCiFiles(project: WorkflowInput): Map<string, string> {
  return new Map([
    [WORKFLOW_FILE, renderWorkflow(project)],
    [DEPENDABOT_FILE, renderDependabot(project)],
  ]);
}

/** How each CI file learns about a new service. */
export function ciEdits(service: ServiceContext, packageManager: PackageManager): CiEdit[] {
  return [
    { file: WORKFLOW_FILE, edit: (text) => addServiceToWorkflow(text, service) },
    { file: DEPENDABOT_FILE, edit: (text) => addServiceToDependabot(text, service.name, packageManager) },
  ];
}
