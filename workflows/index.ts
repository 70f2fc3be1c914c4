export { inspectionCaseWorkflow } from './inspectionCase';
export { drawWorkflow } from './draw';
